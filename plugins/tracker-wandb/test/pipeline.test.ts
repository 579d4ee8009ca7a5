import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wandbTracker } from '../src/index.js';
import { fastRetry, newTenant, runsOf, serverState, workspace, type ServerState, type TestTenant, type Workspace } from './helpers.js';
import { expectPipelineOnServer, runPipeline, type PipelineRun } from './pipeline.js';

describe('a whole pipeline on the W&B protocol server', () => {
  let tenant: TestTenant;
  let ws: Workspace;
  let first: PipelineRun;
  let second: PipelineRun;
  let afterFirst: ServerState;
  let state: ServerState;

  beforeAll(async () => {
    tenant = await newTenant();
    ws = await workspace();
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry, flushIntervalMs: 20, tags: ['aero'], notes: 'nightly' });
    first = await runPipeline(tracker, ws);
    await tracker.flush();
    await tracker.close();
    afterFirst = await serverState(tenant);
    // A second run where ingest and train are cache hits and evaluate reruns.
    const again = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry, flushIntervalMs: 20 });
    second = await runPipeline(again, ws, { cached: true });
    await again.close();
    state = await serverState(tenant);
  });

  afterAll(async () => ws?.cleanup());

  it('delivers every run, config, metric and artifact of the first run, in order', () => {
    expectPipelineOnServer(afterFirst, first);
    for (const run of runsOf(afterFirst, first.run.runId).values()) {
      expect(run.notes).toBe('nightly');
      expect(run.tags).toContain('aero');
    }
  });

  it('delivers the cached second run completely too', () => {
    expectPipelineOnServer(state, second, { cached: true });
  });

  it('links a cached action to the existing artifact version instead of uploading again', () => {
    const runs = runsOf(state, second.run.runId);
    const datasets = state.artifacts.filter((a) => a.collection === 'ingest.dataset');
    expect(datasets).toHaveLength(1);
    expect(datasets[0]!.createdBy).toBe(runsOf(state, first.run.runId).get('ingest')!.name);
    expect(datasets[0]!.loggedBy).toContain(runs.get('ingest')!.name);
    expect(state.artifacts.filter((a) => a.collection === 'train.model')).toHaveLength(2);
    // The only bytes uploaded during the second run are the new evaluation report.
    const later = state.requests.filter((r) => r.seq > afterFirst.requests.at(-1)!.seq);
    const uploads = later.filter((r) => r.kind === 'storage' && r.slot === 'artifact-file');
    expect(uploads.map((r) => r.name)).toEqual(['report.json']);
    const report = state.artifacts.filter((a) => a.collection === 'evaluate.report');
    expect(report.map((a) => a.versionIndex).sort()).toEqual([0, 1]);
    // details/folds.txt has the same bytes in both versions: W&B storage already held them.
    expect(report.find((a) => a.versionIndex === 1)!.files.find((f) => f.name === 'details/folds.txt')!.deduplicated).toBe(true);
  });

  it('keeps the W&B runs of the two aero runs apart', () => {
    const a = runsOf(state, first.run.runId);
    const b = runsOf(state, second.run.runId);
    const names = [...a.values(), ...b.values()].map((r) => r.name);
    expect(new Set(names).size).toBe(10);
    expect([...b.values()].every((r) => r.group === second.run.runId)).toBe(true);
  });

  it('groups action runs by the action group when asked', async () => {
    const t = await newTenant();
    const w = await workspace();
    try {
      const tracker = wandbTracker({ baseUrl: t.baseUrl, apiKey: t.apiKey, retry: fastRetry, group: 'action-group', project: 'grouped' });
      const p = await runPipeline(tracker, w);
      await tracker.close();
      const runs = runsOf(await serverState(t), p.run.runId);
      expect(runs.get('ingest')!.group).toBe('data');
      expect(runs.get('train[fold=1]')!.group).toBe('model');
      expect(runs.get('evaluate')!.group).toBe('evaluate');
      expect(runs.get('evaluate')!.project).toBe('grouped');
    } finally {
      await w.cleanup();
    }
  });
});
