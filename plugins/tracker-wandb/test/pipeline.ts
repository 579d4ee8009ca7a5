// Drives a tracker through a small pipeline the way the engine does:
// ingest -> train[fold=0], train[fold=1] (in parallel) -> evaluate, with real blobs on disk.
import type { ArtifactRef, MetricPoint, RunInfo, Tracker } from '@aeroml/core';
import { actionInfo, artifactRef, points, runInfo, writeBlob, type Workspace } from './helpers.js';

export const STEPS = 300;

export interface PipelineRun {
  run: RunInfo;
  refs: { dataset: ArtifactRef; models: ArtifactRef[]; report: ArtifactRef };
  metrics: Record<string, MetricPoint[]>;
  instances: string[];
}

export interface PipelineOptions {
  /** Second run: ingest and train come from cache, evaluate runs with new params. */
  cached?: boolean;
  runId?: string;
  dev?: boolean;
}

const loss = (fold: number) => (step: number) => 1 / (step + 1 + fold);

export async function runPipeline(tracker: Tracker & Required<Pick<Tracker, 'logParams' | 'setTags'>>, ws: Workspace, options: PipelineOptions = {}): Promise<PipelineRun> {
  const run = runInfo(ws, { ...(options.runId ? { runId: options.runId } : {}), dev: Boolean(options.dev) });
  const cached = Boolean(options.cached);
  const metrics: Record<string, MetricPoint[]> = {};
  const dataset = artifactRef('ingest.dataset', 'csv', [await writeBlob(ws.aeroDir, 'dataset.csv', 'species,bill\nAdelie,39.1\nGentoo,47.3\n')]);
  const models = await Promise.all(
    [0, 1].map(async (fold) =>
      artifactRef('train.model', 'json', [await writeBlob(ws.aeroDir, 'model.json', JSON.stringify({ fold, weights: [0.1 * fold, 0.2] }))], {
        partition: { fold },
        producer: { runId: run.runId, instanceId: `train[fold=${fold}]`, cacheKey: `k${fold}` },
        metadata: { rows: 2 },
      }),
    ),
  );
  const report = artifactRef('evaluate.report', 'json', [await writeBlob(ws.aeroDir, 'report.json', JSON.stringify({ rmse: cached ? 0.25 : 0.5 })), await writeBlob(ws.aeroDir, 'details/folds.txt', 'fold 0\nfold 1\n')]);

  await tracker.startRun(run);

  const ingest = actionInfo(run, 'ingest', { group: 'data', type: 'ingest', params: { source: 'penguins.csv' }, cached });
  await tracker.startAction(ingest);
  await tracker.logParams({ runId: run.runId, instanceId: 'ingest' }, ingest.params);
  await tracker.setTags({ runId: run.runId, instanceId: 'ingest' }, { stage: 'data' });
  await tracker.logArtifact({ runId: run.runId, instanceId: 'ingest' }, dataset, 'output');
  await tracker.endAction({ runId: run.runId, instanceId: 'ingest' }, { status: cached ? 'cached' : 'ran', durationMs: 12 });

  await Promise.all(
    [0, 1].map(async (fold) => {
      const id = `train[fold=${fold}]`;
      const scope = { runId: run.runId, instanceId: id };
      const info = actionInfo(run, id, { action: 'train', group: 'model', type: 'train-model', partition: { fold }, params: { lr: 0.5, epochs: STEPS }, cached });
      await tracker.startAction(info);
      await tracker.logParams(scope, info.params);
      await tracker.logArtifact(scope, dataset, 'input');
      if (!cached) {
        const all: MetricPoint[] = [...points('loss', STEPS, loss(fold)), ...points('acc', STEPS, (s) => s / STEPS).filter((p) => p.step % 10 === 0)];
        metrics[id] = all;
        // The engine sends metrics in batches as they come; interleave them with the other fold.
        for (let start = 0; start < STEPS; start += 50) {
          await tracker.logMetrics(scope, all.filter((p) => p.step >= start && p.step < start + 50));
        }
      }
      await tracker.logArtifact(scope, models[fold]!, 'output');
      await tracker.endAction(scope, { status: cached ? 'cached' : 'ran', durationMs: 1000 + fold });
    }),
  );

  const evaluate = actionInfo(run, 'evaluate', { params: { metric: 'rmse', threshold: cached ? 0.3 : 0.6 } });
  const scope = { runId: run.runId, instanceId: 'evaluate' };
  await tracker.startAction(evaluate);
  await tracker.logParams(scope, evaluate.params);
  for (const model of models) await tracker.logArtifact(scope, model, 'input');
  metrics.evaluate = [{ name: 'rmse', value: cached ? 0.25 : 0.5, step: 0, timestamp: 1_795_000_001_000 }];
  await tracker.logMetrics(scope, metrics.evaluate);
  await tracker.logArtifact(scope, report, 'output');
  await tracker.endAction(scope, { status: 'ran', durationMs: 30 });

  await tracker.logMetrics({ runId: run.runId }, [{ name: 'actions_ran', value: cached ? 1 : 4, step: 0, timestamp: 1_795_000_002_000 }]);
  await tracker.endRun({ runId: run.runId }, { status: 'succeeded', durationMs: 2000 });
  return { run, refs: { dataset, models, report }, metrics, instances: ['ingest', 'train[fold=0]', 'train[fold=1]', 'evaluate'] };
}

import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { metricsOf, runsOf, type ServerState } from './helpers.js';

const md5 = (text: string) => createHash('md5').update(text).digest('base64');

/**
 * Asserts that everything a pipeline run produced is on the server, complete and in
 * order: one W&B run per instance plus the pipeline run, their configs, every metric
 * point exactly once in step order, summaries, and the artifact lineage
 * ingest -> dataset -> train -> model -> evaluate -> report.
 */
export function expectPipelineOnServer(state: ServerState, p: PipelineRun, options: { cached?: boolean } = {}): void {
  const runs = runsOf(state, p.run.runId);
  expect([...runs.keys()].sort()).toEqual(['', ...p.instances].sort());
  const jobTypes: Record<string, string> = { '': 'pipeline', ingest: 'ingest', 'train[fold=0]': 'train-model', 'train[fold=1]': 'train-model', evaluate: 'evaluate' };
  for (const [id, run] of runs) {
    expect(run.group, id).toBe(p.run.runId);
    expect(run.jobType, id).toBe(jobTypes[id]);
    expect(run.displayName, id).toBe(id === '' ? p.run.runName : `${p.run.runName}/${id}`);
    expect(run.tags, id).toContain('owner:ci');
    expect(run.commit, id).toBe(p.run.git?.commit);
    expect(run.complete, id).toBe(true);
    expect(run.exitcode, id).toBe(0);
    expect(run.state, id).toBe('finished');
    expect(run.historyHoles, id).toBe(0);
  }
  const pipeline = runs.get('')!;
  expect(pipeline.config).toMatchObject({ seed: 7, train: { lr: 0.5 }, _aero: { runId: p.run.runId, runName: p.run.runName } });
  expect(pipeline.summary).toMatchObject({ 'aero/status': 'succeeded', actions_ran: options.cached ? 1 : 4 });
  expect(runs.get('ingest')!.config).toMatchObject({ source: 'penguins.csv', _aero: { instanceId: 'ingest', action: 'ingest', group: 'data', type: 'ingest', cached: Boolean(options.cached), tags: { owner: 'ci', stage: 'data' } } });
  expect(runs.get('ingest')!.tags).toContain('stage:data');
  expect(runs.get('evaluate')!.config).toMatchObject({ metric: 'rmse', threshold: options.cached ? 0.3 : 0.6 });

  for (const fold of [0, 1]) {
    const id = `train[fold=${fold}]`;
    const run = runs.get(id)!;
    expect(run.config).toMatchObject({ lr: 0.5, epochs: STEPS, _aero: { partition: { fold } } });
    expect(run.summary['aero/status']).toBe(options.cached ? 'cached' : 'ran');
    if (options.cached) {
      expect(run.history).toEqual([]);
      continue;
    }
    // Every point, once, in step order: one history row per step, `_step` strictly increasing.
    expect(run.history.map((row) => row!._step)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    const want = p.metrics[id]!.map(({ name, value, step }) => ({ name, value, step }));
    const got = metricsOf(run);
    expect(got.filter((m) => m.name === 'loss')).toEqual(want.filter((m) => m.name === 'loss'));
    expect(got.filter((m) => m.name === 'acc')).toEqual(want.filter((m) => m.name === 'acc'));
    expect(run.summary.loss).toBe(1 / (STEPS + fold));
    expect(run.history[STEPS - 1]!._timestamp).toBe((1_795_000_000_000 + (STEPS - 1) * 10) / 1000);
  }
  expect(metricsOf(runs.get('evaluate')!)).toEqual([{ name: 'rmse', value: options.cached ? 0.25 : 0.5, step: 0 }]);

  // Lineage: producer runs log versions, consumer runs use them.
  const byName = (name: string) => state.artifacts.filter((a) => a.collection === name);
  const dataset = byName('ingest.dataset');
  expect(dataset).toHaveLength(1);
  const ds = dataset[0]!;
  expect(ds).toMatchObject({ type: 'csv', state: 'COMMITTED', versionIndex: 0 });
  expect(ds.metadata.aero).toMatchObject({ name: 'ingest.dataset', digest: p.refs.dataset.digest, handler: 'csv' });
  expect(ds.files).toEqual([expect.objectContaining({ name: 'dataset.csv', md5: md5('species,bill\nAdelie,39.1\nGentoo,47.3\n'), uploaded: true })]);
  expect([ds.createdBy, ...ds.loggedBy]).toContain(runs.get('ingest')!.name);
  const usesOf = (run: string) => state.uses.filter((u) => u.run === run).map((u) => state.artifacts.find((a) => a.id === u.artifactId)!);
  for (const fold of [0, 1]) {
    const train = runs.get(`train[fold=${fold}]`)!;
    expect(usesOf(train.name).map((a) => a.id)).toEqual([ds.id]);
    const model = state.artifacts.find((a) => a.collection === 'train.model' && a.metadata.aero!.digest === p.refs.models[fold]!.digest)!;
    expect(model).toMatchObject({ type: 'json', state: 'COMMITTED' });
    expect(model.aliases).toContain(`fold-${fold}`);
    expect(model.metadata).toMatchObject({ rows: 2, aero: { partition: { fold } } });
    expect([model.createdBy, ...model.loggedBy]).toContain(train.name);
  }
  const evaluate = runs.get('evaluate')!;
  expect(usesOf(evaluate.name).map((a) => a.metadata.aero!.digest).sort()).toEqual(p.refs.models.map((m) => m.digest).sort());
  const report = state.artifacts.find((a) => a.collection === 'evaluate.report' && a.metadata.aero!.digest === p.refs.report.digest)!;
  expect(report.createdBy).toBe(evaluate.name);
  expect(report.files.map((f) => f.name).sort()).toEqual(['details/folds.txt', 'report.json']);
  expect(Object.keys(report.manifest!.contents).sort()).toEqual(['details/folds.txt', 'report.json']);

  // Order: each W&B run is created before anything is streamed to it, and `complete` comes last.
  for (const run of runs.values()) {
    const mine = state.requests.filter((r) => (r.kind === 'file_stream' && r.run === run.name) || (r.kind === 'graphql' && r.operationName === 'UpsertBucket' && r.variables?.name === run.name));
    const ok = mine.filter((r) => r.status === 200);
    expect(ok[0]?.operationName, run.name).toBe('UpsertBucket');
    const streams = ok.filter((r) => r.kind === 'file_stream');
    expect(streams.at(-1)?.body?.complete, run.name).toBe(true);
  }
}
