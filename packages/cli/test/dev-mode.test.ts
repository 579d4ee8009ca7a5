import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';
import { aero, makeProject, readJson, statuses } from './helpers.js';

// `--dev` (as in Aeromancy): no tracker is started and no remote store is used, so a dev
// run needs no server: here the configured MLflow server and S3 endpoint do not exist.
describe('aero run --dev', () => {
  it('starts no tracker and uses the local store instead of a remote one', async () => {
    const port = await closedPort();
    const dir = await makeProject('dev-mode', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
import { s3Store } from '@aeroml/store-s3';
import { mlflowTracker } from '@aeroml/tracker-mlflow';
const hello = defineAction({ name: 'hello', outputs: { out: { handler: 'json' } }, async run({ outputs, log }) { log.info('dev run'); await outputs.out.write({ ok: true }); } });
export default defineConfig({
  actions: [hello],
  plugins: [
    s3Store({ bucket: 'nowhere', endpoint: 'http://127.0.0.1:${port}', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, retry: { attempts: 1 } }),
    mlflowTracker({ trackingUri: 'http://127.0.0.1:${port}' }),
  ],
});
`,
    });
    for (const launcher of ['inline', 'process']) {
      const r = await aero(dir, 'run', '--dev', '--force', '--launcher', launcher);
      expect(r.stderr).toBe('');
      expect(statuses(r.stdout)).toEqual({ hello: 'ran' });
      expect(r.code).toBe(0);
      const runId = /\(run (\S+)\)/.exec(r.stdout)![1]!;
      // Recorded in the local store; nothing was spooled for MLflow.
      expect(await readJson(join(dir, '.aero', 'runs', runId, 'run.json'))).toMatchObject({ id: runId, dev: true, status: 'succeeded' });
      expect(existsSync(join(dir, '.aero', 'runs', runId, 'mlflow'))).toBe(false);
    }
  });
});
