import { describe, expect, it } from 'vitest';
import type { Tracker } from '../src/contracts/tracker.js';
import { TrackerFanout } from '../src/run/trackers.js';

/** A tracker that records calls; `down` makes every method throw, like a server that is gone. */
function tracker(name: string, down = false) {
  const calls: string[] = [];
  const call = (method: string) => async () => {
    calls.push(method);
    if (down) throw new Error(`${name} is unreachable`);
  };
  const t = {
    kind: 'tracker', name, version: '0.0.0',
    startRun: call('startRun'), startAction: call('startAction'), logParams: call('logParams'), logMetrics: call('logMetrics'),
    logArtifact: call('logArtifact'), setTags: call('setTags'), endAction: call('endAction'), endRun: call('endRun'), flush: call('flush'), close: call('close'),
  } as unknown as Tracker;
  return { t, calls };
}

describe('run/trackers: TrackerFanout', () => {
  it('calls every tracker; one that fails warns once per method and never stops the others', async () => {
    const warnings: string[] = [];
    const up = tracker('file');
    const down = tracker('mlflow', true);
    const fan = new TrackerFanout([up.t, down.t], (m) => warnings.push(m));
    const scope = { runId: 'r', instanceId: 'a' };
    for (let i = 0; i < 3; i++) await fan.call('logMetrics', (t) => t.logMetrics(scope, []));
    await fan.call('flush', (t) => t.flush());
    expect(up.calls).toEqual(['logMetrics', 'logMetrics', 'logMetrics', 'flush']);
    expect(down.calls).toEqual(up.calls);
    expect(warnings).toEqual([
      'Tracker `mlflow` failed in logMetrics: mlflow is unreachable (the run continues).',
      'Tracker `mlflow` failed in flush: mlflow is unreachable (the run continues).',
    ]);
  });

  it('reports a cached instance as start, its outputs, end with status cached', async () => {
    const one = tracker('file');
    const fan = new TrackerFanout([one.t], () => undefined);
    const scope = { runId: 'r', instanceId: 'a' };
    const ref = { name: 'a.o', digest: 'd', handler: 'json', files: [], manifestKey: 'artifacts/a.o/d.json' };
    await fan.cached({ runId: 'r', instanceId: 'a', action: 'a', cacheKey: 'k', params: {}, dir: '/x', cached: true, partition: undefined }, scope, [ref, ref]);
    expect(one.calls).toEqual(['startAction', 'logArtifact', 'logArtifact', 'endAction']);
    expect(new TrackerFanout([], () => undefined).active).toBe(false);
  });

  it('gives a tracker with logCached one call per cached instance, and one without the three calls, side by side', async () => {
    const warnings: string[] = [];
    const plain = tracker('mlflow');
    const oneCall = tracker('file');
    const received: unknown[][] = [];
    (oneCall.t as { logCached?: Tracker['logCached'] }).logCached = async (...args) => {
      oneCall.calls.push('logCached');
      received.push(args);
    };
    const failing = tracker('wandb');
    (failing.t as { logCached?: Tracker['logCached'] }).logCached = async () => {
      throw new Error('wandb is unreachable');
    };
    const fan = new TrackerFanout([plain.t, oneCall.t, failing.t], (m) => warnings.push(m));
    const info = { runId: 'r', instanceId: 'a', action: 'a', cacheKey: 'k', params: {}, dir: '/x', cached: true, partition: undefined };
    const ref = { name: 'a.o', digest: 'd', handler: 'json', files: [], manifestKey: 'artifacts/a.o/d.json' };
    await fan.cached(info, { runId: 'r', instanceId: 'a' }, [ref]);
    expect(plain.calls).toEqual(['startAction', 'logArtifact', 'endAction']);
    expect(oneCall.calls).toEqual(['logCached']);
    expect(received).toEqual([[info, [ref]]]);
    expect(failing.calls).toEqual([]);
    expect(warnings).toEqual(['Tracker `wandb` failed in logCached: wandb is unreachable (the run continues).']);

    // The usual case, one tracker, takes the same single call.
    const alone = tracker('file');
    (alone.t as { logCached?: Tracker['logCached'] }).logCached = async () => {
      alone.calls.push('logCached');
    };
    await new TrackerFanout([alone.t], () => undefined).cached(info, { runId: 'r', instanceId: 'a' }, [ref]);
    expect(alone.calls).toEqual(['logCached']);
  });
});
