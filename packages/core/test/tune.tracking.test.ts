import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineConfig, type MetricPoint, type Tracker } from '../src/index.js';
import type { StudyRecord, TrialRecord } from '../src/tune/study-record.js';
import { StudyTracking } from '../src/tune/study-tracking.js';
import { memoryStore } from './fixtures.js';

/** A tracker that keeps the study run's metric points (the file, MLflow and W&B trackers get the same calls). */
function recordingTracker(points: MetricPoint[]): Tracker {
  const done = async () => undefined;
  return {
    kind: 'tracker', name: 'recording', version: '0.0.0', packageName: '@acme/recording',
    startRun: done, startAction: done, logArtifact: done, endAction: done, endRun: done, flush: done, close: done,
    logMetrics: async (_scope, batch) => void points.push(...batch),
  } as Tracker;
}

const trial = (number: number, state: TrialRecord['state'], value?: number): TrialRecord => ({ number, params: {}, overrides: [], state, startedAt: '', ...(value !== undefined ? { values: [value] } : {}) });

describe('the study run in trackers', () => {
  it('logs best.<metric> at step N once trials 0..N have finished, whatever order they finish in (-j 2)', async () => {
    const points: MetricPoint[] = [];
    const base = await createAero({ cwd: await mkdtemp(join(tmpdir(), 'aero-tune-tracking-')), config: defineConfig({ actions: [], plugins: [memoryStore(), recordingTracker(points)] }) });
    const record = { schema: 1, name: 's', createdAt: '', updatedAt: '', objectives: [{ action: 'fit', metric: 'loss', reducer: 'last', direction: 'minimize' }], space: [], fixed: [], sampler: 'random', pruner: 'none', seed: 0, trials: [] as TrialRecord[] } as unknown as StudyRecord;
    const tracking = new StudyTracking(base, record, () => undefined);
    record.trials.push(trial(0, 'running'), trial(1, 'running'), trial(2, 'running'));
    const seen = () => points.splice(0).map((p) => `${p.name}@${p.step}=${p.value}`);

    Object.assign(record.trials[1]!, { state: 'complete', values: [2] });
    await tracking.trialFinished(record.trials[1]!);
    expect(seen()).toEqual(['fit.loss@1=2']); // trial 0 still runs: no best for step 0 or 1 yet

    Object.assign(record.trials[0]!, { state: 'complete', values: [5] });
    await tracking.trialFinished(record.trials[0]!);
    expect(seen()).toEqual(['fit.loss@0=5', 'best.fit.loss@0=5', 'best.fit.loss@1=2']);

    Object.assign(record.trials[2]!, { state: 'failed' });
    await tracking.trialFinished(record.trials[2]!);
    expect(seen()).toEqual(['best.fit.loss@2=2']); // a failed trial has no value, the best stands

    // A resumed study does not log the finished trials again.
    const resumed = new StudyTracking(base, record, () => undefined);
    resumed.skipFinished();
    record.trials.push(trial(3, 'complete', 1));
    await resumed.trialFinished(record.trials[3]!);
    expect(seen()).toEqual(['fit.loss@3=1', 'best.fit.loss@3=1']);
  });
});
