import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aero, makeProject, startMlflow } from './helpers.js';

let trackingUri = '';

// aero tune through the CLI with the MLflow tracker plugin, against a real MLflow server
// (tools/mlflow/start.sh): the study is one parent run, each trial a nested run under it,
// each trial's actions nested under the trial.
beforeAll(() => {
  trackingUri = startMlflow();
}, 15 * 60_000);

interface Run {
  info: { run_id: string; run_name: string; status: string };
  data: { tags?: Array<{ key: string; value: string }>; params?: Array<{ key: string; value: string }> };
}

async function mlflow<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${trackingUri}/api/2.0/mlflow/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.ok).toBe(true);
  return (await response.json()) as T;
}

const tag = (run: Run, key: string) => run.data.tags?.find((t) => t.key === key)?.value;
const param = (run: Run, key: string) => run.data.params?.find((p) => p.key === key)?.value;

async function runsOf(experimentName: string): Promise<Run[]> {
  const { experiment } = await mlflow<{ experiment: { experiment_id: string } }>(`experiments/get-by-name?experiment_name=${experimentName}`);
  const { runs } = await mlflow<{ runs?: Run[] }>('runs/search', { experiment_ids: [experiment.experiment_id], max_results: 1000 });
  return runs ?? [];
}

async function history(runId: string, metric: string): Promise<Array<{ step: string | number; value: number }>> {
  const { metrics } = await mlflow<{ metrics?: Array<{ step: string | number; value: number }> }>(`metrics/get-history?run_id=${runId}&metric_key=${metric}`);
  return (metrics ?? []).sort((a, b) => Number(a.step) - Number(b.step));
}

const trialEvents = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; number: number; value?: number })
    .filter((e) => e.event === 'tune.trial');

describe('aero tune with the MLflow tracker', () => {
  it('nests the trials under one parent run per study, and a resumed study reuses it', { timeout: 300_000 }, async () => {
    const experiment = `aero-tune-${randomBytes(4).toString('hex')}`;
    const dir = await makeProject('tune-mlflow', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
import { mlflowTracker } from '@aeroml/tracker-mlflow';
import { z } from 'zod';
const prep = defineAction({ name: 'prep', outputs: { offset: { handler: 'json' } }, async run({ outputs }) { await outputs.offset.write(1); } });
const quad = defineAction({
  name: 'quad',
  params: z.object({ x: z.number().default(0) }),
  inputs: { offset: prep.output('offset') },
  outputs: { result: { handler: 'json' } },
  async run({ params, inputs, log, outputs }) {
    const offset = (await inputs.offset.read()) as number;
    const loss = (params.x - offset) ** 2;
    log.metric('loss', loss);
    await outputs.result.write({ loss });
  },
});
export default defineConfig({ actions: [prep, quad], plugins: [mlflowTracker({ trackingUri: ${JSON.stringify(trackingUri)}, experimentName: ${JSON.stringify(experiment)} })] });
`,
    });
    const args = ['tune', 'quad.x=interval(-5, 5)', '--objective', 'quad.loss', '--sampler', 'random', '--seed', '3', '--study', 'quad-x', '--json'];
    const first = await aero(dir, ...args, '--trials', '3');
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });

    const check = async (count: number, values: number[]) => {
      const runs = await runsOf(experiment);
      const studies = runs.filter((r) => tag(r, 'aero.kind') === 'study');
      expect(studies).toHaveLength(1);
      const study = studies[0]!;
      expect(study.info).toMatchObject({ run_name: 'quad-x', status: 'FINISHED' });
      expect(tag(study, 'mlflow.parentRunId')).toBeUndefined();
      expect({ x: param(study, 'space.quad.x'), sampler: param(study, 'sampler'), objectives: param(study, 'objectives') }).toEqual({
        x: 'interval(-5, 5)',
        sampler: 'random',
        objectives: 'quad.loss:last:minimize',
      });
      const trials = runs.filter((r) => tag(r, 'mlflow.parentRunId') === study.info.run_id);
      expect(trials.map((r) => tag(r, 'aero.tune.trial')).sort()).toEqual(Array.from({ length: count }, (_, i) => String(i)));
      for (const trial of trials) {
        expect(trial.info.run_name).toBe(`quad-x-trial-${tag(trial, 'aero.tune.trial')}`);
        expect(tag(trial, 'aero.kind')).toBe('run');
        const actions = runs.filter((r) => tag(r, 'mlflow.parentRunId') === trial.info.run_id);
        expect(actions.map((r) => tag(r, 'aero.instance_id')).sort()).toEqual(['prep', 'quad']);
      }
      // Every run of the experiment is the study, a trial or a trial's action.
      expect(runs).toHaveLength(1 + count * 3);
      // The study's metrics: each trial's value, and the best so far, at step = trial number.
      expect((await history(study.info.run_id, 'quad.loss')).map((p) => p.value)).toEqual(values);
      const best = values.map((_, i) => Math.min(...values.slice(0, i + 1)));
      expect((await history(study.info.run_id, 'best.quad.loss')).map((p) => [Number(p.step), p.value])).toEqual(best.map((v, i) => [i, v]));
      return study.info.run_id;
    };
    const values = trialEvents(first.stdout).sort((a, b) => a.number - b.number).map((e) => e.value!);
    expect(values).toHaveLength(3);
    const parent = await check(3, values);
    expect(JSON.parse(readFileSync(join(dir, '.aero/tune/quad-x/study.json'), 'utf8')).runId).toBe('tune-quad-x');

    // The same command with a bigger budget resumes the study: one more trial under the same parent.
    const resumed = await aero(dir, ...args, '--trials', '4');
    expect({ code: resumed.code, stderr: resumed.stderr }).toEqual({ code: 0, stderr: '' });
    const more = trialEvents(resumed.stdout);
    expect(more.map((e) => e.number)).toEqual([3]);
    expect(await check(4, [...values, more[0]!.value!])).toBe(parent);
  });
});
