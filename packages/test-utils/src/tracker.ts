import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionInfo, ActionStatus, ArtifactRef, MetricPoint, RunInfo, RunStatus, Tracker, TrackerScope } from '@aeroml/core';
import { expectIdentity, flattenParams, randomId } from './util.js';

export type TrackerFactory = () => Promise<Tracker> | Tracker;

/** One metric point as a tracker gives it back. `timestamp` is checked when present. */
export interface TrackedMetric {
  name: string;
  value: number;
  step: number;
  timestamp?: number;
}

/** One artifact reference as a tracker gives it back (checked when `artifacts` is present). */
export interface TrackedArtifact {
  direction: 'input' | 'output';
  name: string;
  digest: string;
}

/** What a tracker recorded for the run or for one action instance. */
export interface TrackedScope {
  /**
   * Every param recorded (RunInfo/ActionInfo params plus `logParams` when the tracker has it), nested or
   * flattened to dot paths; values may be strings (`"0.001"`). The suite compares after
   * flattening both sides to `dot.path → string`, and only the params it sent: extra
   * params the tracker adds itself are allowed.
   */
  params: Record<string, unknown>;
  /** Every tag recorded (RunInfo tags plus `setTags` when the tracker has it). Extra tags are allowed. */
  tags: Record<string, string>;
  /**
   * Every metric point recorded for this scope, each metric's points in step order.
   * Metrics the suite did not send (system metrics) are ignored.
   */
  metrics: TrackedMetric[];
  /** Final status (`endRun`/`endAction`), if the tracker records it. Checked when present. */
  status?: string | undefined;
  /** Artifacts logged with `logArtifact`, if the tracker records them. Checked when present. */
  artifacts?: TrackedArtifact[] | undefined;
}

/** What `readBack` returns: the run's scope and one scope per action instance id. */
export interface TrackerReadBack {
  run: TrackedScope;
  actions: Record<string, TrackedScope>;
}

export interface TrackerReadBackContext {
  /** The tracker instance the suite used (already closed). */
  tracker: Tracker;
  run: RunInfo;
  actions: ActionInfo[];
  /** Temporary directory holding `run.runDir`, removed after the suite. */
  root: string;
}

export interface DescribeTrackerOptions {
  /** Reads back what the tracker recorded (from its files, its server, its spool). */
  readBack(ctx: TrackerReadBackContext): Promise<TrackerReadBack> | TrackerReadBack;
  /** Number of `loss` points sent to the training action (default 2500, in batches of 500). */
  points?: number;
  /** Timeout of the lifecycle in ms (default 120 000). */
  timeout?: number;
  /** Project name for RunInfo (default `aero-conformance`). */
  project?: string;
}

interface Expected {
  params: Record<string, unknown>;
  tags: Record<string, string>;
  metrics: MetricPoint[];
  status: string;
  artifacts: TrackedArtifact[];
}

function artifactRef(name: string, seed: string): ArtifactRef {
  const digest = `${seed.padEnd(8, '0')}${'0123456789abcdef'.repeat(4)}`.slice(0, 64);
  return {
    name,
    digest,
    handler: 'json',
    files: [{ path: `${name.split('.')[1] ?? 'out'}.json`, sha256: digest, size: 123 }],
    manifestKey: `artifacts/${name}/${digest}.json`,
  };
}

/** Checks one scope and returns human-readable differences (empty when it matches). */
function compareScope(label: string, expected: Expected, actual: TrackedScope | undefined): string[] {
  if (!actual) return [`${label}: missing from readBack`];
  const problems: string[] = [];
  const wantParams = flattenParams(expected.params);
  const gotParams = flattenParams(actual.params ?? {});
  for (const [key, value] of Object.entries(wantParams)) {
    if (!(key in gotParams)) problems.push(`${label}: param \`${key}\` missing (sent ${value})`);
    else if (gotParams[key] !== value) problems.push(`${label}: param \`${key}\` is ${gotParams[key]}, sent ${value}`);
  }
  for (const [key, value] of Object.entries(expected.tags)) {
    if (actual.tags?.[key] !== value) problems.push(`${label}: tag \`${key}\` is ${JSON.stringify(actual.tags?.[key])}, sent ${JSON.stringify(value)}`);
  }
  const names = [...new Set(expected.metrics.map((m) => m.name))];
  for (const metric of names) {
    const want = expected.metrics.filter((m) => m.name === metric).sort((a, b) => a.step - b.step);
    const got = (actual.metrics ?? []).filter((m) => m.name === metric);
    if (got.length !== want.length) {
      problems.push(`${label}: metric \`${metric}\` has ${got.length} points, sent ${want.length}`);
      continue;
    }
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const g = got[i]!;
      if (g.step !== w.step || g.value !== w.value || (g.timestamp !== undefined && g.timestamp !== w.timestamp)) {
        problems.push(`${label}: metric \`${metric}\` point #${i} is ${JSON.stringify(g)}, expected ${JSON.stringify({ step: w.step, value: w.value, timestamp: w.timestamp })} (points must be every point sent, in step order)`);
        break;
      }
    }
  }
  if (actual.status !== undefined && actual.status !== expected.status) problems.push(`${label}: status is ${actual.status}, expected ${expected.status}`);
  if (actual.artifacts !== undefined) {
    const key = (a: TrackedArtifact) => `${a.direction} ${a.name}@${a.digest}`;
    const got = actual.artifacts.map(key).sort();
    const want = expected.artifacts.map(key).sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${label}: artifacts are ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  return problems;
}

/**
 * The conformance suite every `Tracker` must pass: it drives a full run lifecycle
 * (a run, five action instances that ran / were cached / failed, params, thousands of
 * metric points in batches, artifacts, tags), closes the tracker, then asks `readBack`
 * for what was recorded and checks that nothing was lost.
 */
export function describeTracker(name: string, factory: TrackerFactory, options: DescribeTrackerOptions): void {
  const timeout = options.timeout ?? 120_000;
  const points = options.points ?? 2500;
  const project = options.project ?? 'aero-conformance';

  describe(`Tracker conformance: ${name}`, () => {
    let root = '';
    let tracker: Tracker;
    let run: RunInfo;
    let actions: ActionInfo[] = [];
    let readBack: TrackerReadBack;
    const expectedRun: Expected = { params: {}, tags: {}, metrics: [], status: 'failed', artifacts: [] };
    const expectedActions: Record<string, Expected> = {};

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'aero-tracker-conformance-'));
      const runId = `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomId(3)}`;
      const runDir = join(root, 'runs', runId);
      const t0 = Date.now();
      run = {
        runId,
        project,
        runName: `conformance-${randomId(3)}`,
        startedAt: new Date(t0).toISOString(),
        git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: true, branch: 'main' },
        params: { model: { lr: 0.001, layers: [64, 32], activation: 'relu' }, seed: 42, name: 'baseline', flag: true },
        tags: { owner: 'ci', 'aero.suite': 'tracker' },
        runDir,
        dev: false,
      };
      const action = (instanceId: string, actionName: string, params: Record<string, unknown>, extra: Partial<ActionInfo> = {}): ActionInfo => ({
        runId,
        instanceId,
        action: actionName,
        cacheKey: randomId(32),
        params,
        dir: join(runDir, instanceId),
        cached: false,
        ...extra,
      });
      const prep = action('prep', 'prep', { rows: 100, source: { kind: 'synthetic', noise: 0.25 } }, { group: 'data', type: 'ingest' });
      const train = action('train', 'train', { lr: 0.001, epochs: 3 }, { group: 'model', type: 'train-model' });
      const evaluate = action('evaluate[split=test,sim=3]', 'evaluate', { metric: 'rmse' }, { partition: { split: 'test', sim: 3 }, cached: true });
      const report = action('report', 'report', { format: 'md' }, { cached: true });
      const broken = action('broken', 'broken', { retries: 0 });
      actions = [prep, train, evaluate, report, broken];
      for (const a of actions) expectedActions[a.instanceId] = { params: { ...a.params }, tags: {}, metrics: [], status: 'ran', artifacts: [] };
      const scopeOf = (a: ActionInfo): TrackerScope => ({ runId, instanceId: a.instanceId });
      const runScope: TrackerScope = { runId };

      // logParams and setTags are optional (the engine never calls them): tested when present.
      const logParams = async (scope: TrackerScope, params: Record<string, unknown>, into: Expected) => {
        if (!tracker.logParams) return;
        await tracker.logParams(scope, params);
        Object.assign(into.params, params);
      };
      const setTags = async (scope: TrackerScope, tags: Record<string, string>, into: Expected) => {
        if (!tracker.setTags) return;
        await tracker.setTags(scope, tags);
        Object.assign(into.tags, tags);
      };
      const logMetrics = async (scope: TrackerScope, batch: MetricPoint[], into: Expected) => {
        await tracker.logMetrics(scope, batch);
        into.metrics.push(...batch);
      };
      const logArtifact = async (scope: TrackerScope, ref: ArtifactRef, direction: 'input' | 'output', into: Expected) => {
        await tracker.logArtifact(scope, ref, direction);
        into.artifacts.push({ direction, name: ref.name, digest: ref.digest });
      };
      const endAction = async (a: ActionInfo, status: ActionStatus, durationMs: number, error?: string) => {
        await tracker.endAction(scope(a), { status, durationMs, ...(error ? { error } : {}) });
        expectedActions[a.instanceId]!.status = status;
      };
      const scope = scopeOf;
      const exp = (a: ActionInfo) => expectedActions[a.instanceId]!;

      tracker = await factory();
      expectedRun.params = structuredClone(run.params);
      expectedRun.tags = { ...run.tags };
      await tracker.startRun(run);
      await logParams(runScope, { extra: { note: 'from logParams' } }, expectedRun);

      await tracker.startAction(prep);
      await logParams(scope(prep), { shuffled: true }, exp(prep));
      await setTags(scope(prep), { stage: 'prep' }, exp(prep));
      await logArtifact(scope(prep), artifactRef('prep.dataset', 'aa11'), 'output', exp(prep));
      await endAction(prep, 'ran', 120);

      await tracker.startAction(train);
      await logParams(scope(train), { optimizer: 'adam', schedule: { warmup: 10 } }, exp(train));
      await logArtifact(scope(train), artifactRef('prep.dataset', 'aa11'), 'input', exp(train));
      const batchSize = 500;
      for (let start = 0; start < points; start += batchSize) {
        const batch: MetricPoint[] = [];
        for (let step = start; step < Math.min(points, start + batchSize); step++) {
          batch.push({ name: 'loss', value: 1 / (step + 1) + (step % 7) * 1e-3, step, timestamp: t0 + step });
          if (step % 10 === 0) batch.push({ name: 'accuracy', value: Math.min(1, step / points), step, timestamp: t0 + step });
        }
        await logMetrics(scope(train), batch, exp(train));
        if (start === batchSize) await tracker.flush();
      }
      // A batch that arrives out of step order, and values that are awkward in text.
      await logMetrics(
        scope(train),
        [
          { name: 'lr', value: 0.1 + 0.2, step: 2, timestamp: t0 + 5 },
          { name: 'lr', value: -1.5e-7, step: 1, timestamp: t0 + 4 },
          { name: 'lr', value: 123456789.125, step: 0, timestamp: t0 + 3 },
        ],
        exp(train),
      );
      await setTags(scope(train), { stage: 'train', 'model.kind': 'mlp' }, exp(train));
      await logArtifact(scope(train), artifactRef('train.model', 'bb22'), 'output', exp(train));
      await tracker.flush();
      await tracker.flush();
      await endAction(train, 'ran', 4200);

      await tracker.startAction(evaluate);
      await logArtifact(scope(evaluate), artifactRef('train.model', 'bb22'), 'input', exp(evaluate));
      await logArtifact(scope(evaluate), artifactRef('evaluate.report', 'cc33'), 'output', exp(evaluate));
      await setTags(scope(evaluate), { split: 'test' }, exp(evaluate));
      await endAction(evaluate, 'cached', 3);

      // A cached instance in one call (Tracker.logCached) when the tracker has it; else the
      // three calls the engine makes instead. Either way it reads back the same.
      const summary = artifactRef('report.summary', 'dd44');
      if (tracker.logCached) {
        await tracker.logCached(report, [summary]);
      } else {
        await tracker.startAction(report);
        await tracker.logArtifact(scope(report), summary, 'output');
        await tracker.endAction(scope(report), { status: 'cached', durationMs: 0 });
      }
      exp(report).artifacts.push({ direction: 'output', name: summary.name, digest: summary.digest });
      exp(report).status = 'cached';

      await tracker.startAction(broken);
      await logMetrics(scope(broken), [{ name: 'progress', value: 0.5, step: 0, timestamp: t0 + 1 }], exp(broken));
      await endAction(broken, 'failed', 50, 'ValueError: boom');

      await setTags(runScope, { result: 'partial' }, expectedRun);
      await logMetrics(runScope, [{ name: 'actions_ran', value: 2, step: 0, timestamp: t0 + 9 }], expectedRun);
      await tracker.endRun(runScope, { status: 'failed' satisfies RunStatus, durationMs: Date.now() - t0 });
      await tracker.flush();
      await tracker.close();
      readBack = await options.readBack({ tracker, run, actions, root });
    }, timeout);

    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('identifies itself as a tracker plugin', () => {
      expectIdentity(tracker, 'tracker');
    });

    it('readBack has the run and every action instance', () => {
      expect(readBack.run).toBeDefined();
      expect(Object.keys(readBack.actions).sort()).toEqual(expect.arrayContaining(actions.map((a) => a.instanceId).sort()));
    });

    it('records the run params, tags, metrics and status', () => {
      expect(compareScope('run', expectedRun, readBack.run)).toEqual([]);
    });

    it('records every param of every action (ActionInfo.params and logParams)', () => {
      const problems = actions.flatMap((a) => compareScope(a.instanceId, { ...expectedActions[a.instanceId]!, tags: {}, metrics: [], artifacts: [] }, { ...readBack.actions[a.instanceId]!, status: undefined, artifacts: undefined }));
      expect(problems).toEqual([]);
    });

    it(`records every metric point (${points} loss points in batches), in step order`, () => {
      const train = readBack.actions.train;
      expect(train).toBeDefined();
      expect(train!.metrics.filter((m) => m.name === 'loss')).toHaveLength(points);
      const problems = actions.flatMap((a) => compareScope(a.instanceId, { ...expectedActions[a.instanceId]!, params: {}, tags: {}, artifacts: [] }, { ...readBack.actions[a.instanceId]!, params: {}, tags: {}, status: undefined, artifacts: undefined }));
      expect(problems).toEqual([]);
    });

    it('records every tag, action status (ran, cached, failed) and artifact when it reports them', () => {
      const problems = actions.flatMap((a) => compareScope(a.instanceId, { ...expectedActions[a.instanceId]!, params: {}, metrics: [] }, { ...readBack.actions[a.instanceId]!, params: {}, metrics: [] }));
      expect(problems).toEqual([]);
    });

    it('keeps a second run from a fresh instance separate from the first', async () => {
      const second = await factory();
      const runId = `${run.runId}-b`;
      const run2: RunInfo = { ...run, runId, runName: `${run.runName}-b`, params: { seed: 7 }, tags: { owner: 'second' }, runDir: join(root, 'runs', runId) };
      const act: ActionInfo = { ...actions[1]!, runId, dir: join(run2.runDir, 'train'), params: { lr: 0.5 } };
      await second.startRun(run2);
      await second.startAction(act);
      await second.logMetrics({ runId, instanceId: 'train' }, [{ name: 'loss', value: 9, step: 0, timestamp: Date.now() }]);
      await second.endAction({ runId, instanceId: 'train' }, { status: 'ran', durationMs: 1 });
      await second.endRun({ runId }, { status: 'succeeded', durationMs: 2 });
      await second.close();
      const back = await options.readBack({ tracker: second, run: run2, actions: [act], root });
      expect(compareScope('run', { params: { seed: 7 }, tags: { owner: 'second' }, metrics: [], status: 'succeeded', artifacts: [] }, back.run)).toEqual([]);
      expect(flattenParams(back.run.params)['model.lr']).toBeUndefined();
      expect(back.actions.train?.metrics.filter((m) => m.name === 'loss')).toEqual([expect.objectContaining({ name: 'loss', value: 9, step: 0 })]);
      expect(back.actions.prep).toBeUndefined();
      // The first run is unchanged by the second.
      const first = await options.readBack({ tracker, run, actions, root });
      expect(first.actions.train?.metrics.filter((m) => m.name === 'loss')).toHaveLength(points);
    }, timeout);
  });
}
