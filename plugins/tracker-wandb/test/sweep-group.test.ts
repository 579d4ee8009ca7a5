import { describe, expect, it } from 'vitest';
import { wandbTracker } from '../src/index.js';
import { actionInfo, fastRetry, newTenant, runInfo, runsOf, serverState, workspace } from './helpers.js';

// aero tune's trials (and aero run -m's combinations) are runs of one sweep: on W&B they
// form one group, the sweep id, so a study's trials are seen together.
describe('the runs of a sweep share one W&B group', () => {
  it('groups the pipeline and action runs of every run of a sweep by its sweep id; a run outside a sweep keeps its run id', async () => {
    const t = await newTenant();
    const ws = await workspace();
    const tracker = wandbTracker({ baseUrl: t.baseUrl, apiKey: t.apiKey, retry: fastRetry, project: 'tune' });
    const trials = [runInfo(ws, { sweepId: 'tune-lr-study', tags: { 'aero.tune.trial': '0' } }), runInfo(ws, { sweepId: 'tune-lr-study', tags: { 'aero.tune.trial': '1' } }), runInfo(ws)];
    for (const run of trials) {
      await tracker.startRun(run);
      const train = actionInfo(run, 'train', { params: { lr: 0.1 } });
      await tracker.startAction(train);
      await tracker.endAction({ runId: run.runId, instanceId: 'train' }, { status: 'ran', durationMs: 5 });
      await tracker.endRun({ runId: run.runId }, { status: 'succeeded', durationMs: 10 });
    }
    await tracker.close();
    const state = await serverState(t);
    for (const run of trials.slice(0, 2)) {
      const runs = runsOf(state, run.runId);
      expect(runs.size).toBeGreaterThanOrEqual(2);
      expect([...runs.values()].map((r) => r.group)).toEqual([...runs.values()].map(() => 'tune-lr-study'));
    }
    const alone = runsOf(state, trials[2]!.runId);
    expect([...alone.values()].every((r) => r.group === trials[2]!.runId)).toBe(true);
  });
});
