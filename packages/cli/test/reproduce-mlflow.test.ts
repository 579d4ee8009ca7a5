import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aero, makeProject, startMlflow } from './helpers.js';

let trackingUri = '';

// aero tag through the CLI, mirrored by a real tracker plugin to a real MLflow server.
beforeAll(() => {
  trackingUri = startMlflow();
}, 15 * 60_000);

async function mlflow<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${trackingUri}/api/2.0/mlflow/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.ok).toBe(true);
  return (await response.json()) as T;
}

describe('aero tag with the MLflow tracker', () => {
  it('mirrors the tag onto the MLflow run of the action that produced the version', async () => {
    const experiment = `aero-tag-${randomBytes(4).toString('hex')}`;
    const dir = await makeProject('tag-mlflow', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
import { mlflowTracker } from '@aeroml/tracker-mlflow';
const prep = defineAction({ name: 'prep', outputs: { data: { handler: 'json' } }, async run({ outputs }) { await outputs.data.write([1, 2]); } });
export default defineConfig({ actions: [prep], plugins: [mlflowTracker({ trackingUri: ${JSON.stringify(trackingUri)}, experimentName: ${JSON.stringify(experiment)} })] });
`,
    });
    const run = await aero(dir, 'run');
    expect({ code: run.code, stderr: run.stderr, stdout: run.stdout }).toMatchObject({ code: 0, stderr: '' });
    const tag = await aero(dir, 'tag', 'prep.data', 'best');
    expect(tag.stderr).toBe('');
    expect(tag.stdout).toMatch(/^Tagged prep\.data@best → ([0-9a-f]{12}) \(from prep\.data@\S+\)\.\nMirrored to mlflow\.\n$/);
    const { experiment: exp } = await mlflow<{ experiment: { experiment_id: string } }>(`experiments/get-by-name?experiment_name=${experiment}`);
    const { runs } = await mlflow<{ runs: Array<{ data: { tags: Array<{ key: string; value: string }> } }> }>('runs/search', { experiment_ids: [exp.experiment_id], filter: `tags."aero.instance_id" = 'prep'` });
    expect(runs).toHaveLength(1);
    const value = runs[0]!.data.tags.find((t) => t.key === 'aero.tag.best')?.value;
    expect(value).toMatch(new RegExp(`^prep\\.data@${/→ ([0-9a-f]{12})/.exec(tag.stdout)![1]!}[0-9a-f]{52}$`));
  });
});
