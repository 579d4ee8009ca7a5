import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ActionInfo, ArtifactRef, MetricPoint, RunInfo } from '@aeroml/core';
import { MlflowClient, mlflowTracker, type MlflowTracker } from '../src/index.js';
import { actionInfo, captureLogger, makeProject, runInfo, storeArtifact, type CapturedLog } from './support/fixtures.js';
import { readWithPython, type PyRun } from './support/python.js';
import { readAeroRun, type RunView } from './support/readback.js';

const { trackingUri, python } = inject('mlflow');
const client = new MlflowClient({ trackingUri });

describe('mlflowTracker against a real MLflow server', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  let run: RunInfo;
  let logger: CapturedLog;
  let tracker: MlflowTracker;
  let prep: ActionInfo, train: ActionInfo, evaluate: ActionInfo, broken: ActionInfo, stopped: ActionInfo;
  let dataset: ArtifactRef, model: ArtifactRef, report: ArtifactRef;
  const longNote = 'n'.repeat(7000);
  const loss: MetricPoint[] = [];
  let tree: { parent: RunView; children: Record<string, RunView> };
  let py: { parent: PyRun; children: PyRun[] };

  beforeAll(async () => {
    project = await makeProject();
    logger = captureLogger();
    run = runInfo(project.runsRoot, { params: { model: { lr: 0.001, layers: [64, 32] }, seed: 42, note: longNote }, tags: { owner: 'ci' } });
    tracker = mlflowTracker({ trackingUri, logger, uploadThresholdBytes: 1000 });
    prep = actionInfo(run, 'prep', { group: 'data', type: 'ingest', params: { rows: 10 } });
    train = actionInfo(run, 'train', { group: 'model', type: 'train-model', params: { lr: 0.001, epochs: 3 } });
    evaluate = actionInfo(run, 'evaluate[split=test,sim=3]', { partition: { split: 'test', sim: 3 }, cached: true });
    broken = actionInfo(run, 'broken');
    stopped = actionInfo(run, 'stopped');
    dataset = await storeArtifact(project.aeroDir, 'prep.dataset', { 'data.csv': 'x,y\n1,2\n', 'meta/info.json': '{"rows":1}' }, { producer: { runId: run.runId, instanceId: 'prep', cacheKey: prep.cacheKey } });
    model = await storeArtifact(project.aeroDir, 'train.model', { 'model.bin': Buffer.alloc(2000, 7) }, { producer: { runId: run.runId, instanceId: 'train', cacheKey: train.cacheKey } });
    report = await storeArtifact(project.aeroDir, 'evaluate.report', { 'report.json': '{"rmse":0.5}' }, { partition: { split: 'test', sim: 3 } });

    const t0 = Date.parse(run.startedAt);
    await tracker.startRun(run);
    await tracker.startAction(prep);
    await tracker.logArtifact({ runId: run.runId, instanceId: 'prep' }, dataset, 'output');
    await tracker.endAction({ runId: run.runId, instanceId: 'prep' }, { status: 'ran', durationMs: 10 });

    await tracker.startAction(train);
    const scope = { runId: run.runId, instanceId: 'train' };
    await tracker.logArtifact(scope, dataset, 'input');
    for (let step = 0; step < 1500; step++) {
      const p = { name: 'loss', value: 1 / (step + 1), step, timestamp: t0 + step };
      loss.push(p);
      await tracker.logMetrics(scope, [p]);
    }
    const bulk: MetricPoint[] = [];
    for (let step = 1500; step < 3000; step++) bulk.push({ name: 'loss', value: 1 / (step + 1), step, timestamp: t0 + step });
    loss.push(...bulk);
    await tracker.logMetrics(scope, bulk);
    await tracker.logMetrics(scope, [{ name: 'odd', value: Number.NaN, step: 0, timestamp: t0 }]);
    await tracker.logArtifact(scope, model, 'output');
    await tracker.endAction(scope, { status: 'ran', durationMs: 500 });

    await tracker.startAction(evaluate);
    await tracker.logArtifact({ runId: run.runId, instanceId: evaluate.instanceId }, model, 'input');
    await tracker.logArtifact({ runId: run.runId, instanceId: evaluate.instanceId }, report, 'output');
    await tracker.endAction({ runId: run.runId, instanceId: evaluate.instanceId }, { status: 'cached', durationMs: 1 });

    await tracker.startAction(broken);
    await tracker.endAction({ runId: run.runId, instanceId: 'broken' }, { status: 'failed', durationMs: 3, error: 'ValueError: boom' });
    await tracker.startAction(stopped);
    await tracker.endAction({ runId: run.runId, instanceId: 'stopped' }, { status: 'interrupted', durationMs: 3 });
    await tracker.endRun({ runId: run.runId }, { status: 'failed', durationMs: 1000 });
    await tracker.close();

    tree = (await readAeroRun(client, run.project, run.runId))!;
    py = await readWithPython(python, trackingUri, tree.parent.run.info.run_id);
  });

  afterAll(async () => {
    if (project) await rm(project.root, { recursive: true, force: true });
  });

  it('creates the experiment from the project name, one parent run and one nested run per action instance', async () => {
    const experiment = await client.getExperimentByName(run.project);
    expect(experiment?.experiment_id).toBe(tree.parent.run.info.experiment_id);
    expect(tree.parent.run.info.run_name).toBe(run.runName);
    expect(Object.keys(tree.children).sort()).toEqual(['broken', 'evaluate[split=test,sim=3]', 'prep', 'stopped', 'train']);
    for (const child of Object.values(tree.children)) expect(child.tags['mlflow.parentRunId']).toBe(tree.parent.run.info.run_id);
    expect(py.children.map((c) => c.name).sort()).toEqual(['broken', 'evaluate[split=test,sim=3]', 'prep', 'stopped', 'train']);
  });

  it('tags each action run with group, type, partition, cache key, git commit and aero run id', () => {
    const t = tree.children.train!.tags;
    expect(t).toMatchObject({ 'aero.group': 'model', 'aero.type': 'train-model', 'aero.cache_key': train.cacheKey, 'aero.run_id': run.runId, 'aero.instance_id': 'train', 'mlflow.source.git.commit': run.git!.commit!, 'aero.cached': 'false' });
    const e = tree.children['evaluate[split=test,sim=3]']!.tags;
    expect(e).toMatchObject({ 'aero.partition': '{"split":"test","sim":3}', 'aero.partition.split': 'test', 'aero.partition.sim': '3', 'aero.cached': 'true', 'aero.status': 'cached' });
    expect(tree.parent.tags).toMatchObject({ 'aero.run_id': run.runId, 'mlflow.source.git.commit': run.git!.commit!, 'mlflow.source.git.branch': 'main', owner: 'ci' });
  });

  it('mirrors statuses: ran/cached → FINISHED, failed → FAILED, interrupted → KILLED, run failed → FAILED', () => {
    const status = Object.fromEntries(py.children.map((c) => [c.name, c.status]));
    expect(status).toEqual({ prep: 'FINISHED', train: 'FINISHED', 'evaluate[split=test,sim=3]': 'FINISHED', broken: 'FAILED', stopped: 'KILLED' });
    expect(py.parent.status).toBe('FAILED');
    expect(tree.children.broken!.tags['aero.error']).toBe('ValueError: boom');
  });

  it('flattens params with dot keys and truncates values over 6000 characters, keeping the full value as an artifact', async () => {
    expect(py.parent.params).toMatchObject({ 'model.lr': '0.001', 'model.layers': '[64,32]', seed: '42' });
    expect(py.parent.params.note!.length).toBe(6000);
    expect(py.parent.params.note!.endsWith('...[truncated]')).toBe(true);
    expect(py.parent.artifacts.map((a) => a.path)).toContain('aero/params/note.txt');
    const res = await client.downloadArtifact(tree.parent.run.info.artifact_uri!, 'aero/params/note.txt');
    expect(await res!.text()).toBe(longNote);
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('param `note` is 7000 characters'))).toBe(true);
    expect(py.children.find((c) => c.name === 'train')!.params).toEqual({ lr: '0.001', epochs: '3' });
  });

  it('records every metric point exactly once with its step and timestamp (REST and Python agree)', () => {
    const rest = tree.children.train!.metrics.filter((m) => m.key === 'loss').map((m) => ({ step: m.step, timestamp: m.timestamp, value: m.value }));
    expect(rest).toEqual(loss.map((p) => ({ step: p.step, timestamp: p.timestamp, value: p.value })));
    const pyLoss = py.children.find((c) => c.name === 'train')!.metrics.loss!.sort((a, b) => a.step - b.step);
    expect(pyLoss).toEqual(loss.map((p) => ({ step: p.step, timestamp: p.timestamp, value: p.value })));
    expect(py.children.find((c) => c.name === 'train')!.metrics.odd).toEqual([{ step: 0, timestamp: Date.parse(run.startedAt), value: null }]);
  });

  it('uploads small outputs through the artifact proxy with an aero-artifact.json manifest', async () => {
    const files = py.children.find((c) => c.name === 'prep')!.artifacts.map((a) => a.path).sort();
    expect(files).toEqual(['prep.dataset/aero-artifact.json', 'prep.dataset/data.csv', 'prep.dataset/meta/info.json']);
    const uri = tree.children.prep!.run.info.artifact_uri!;
    expect(await (await client.downloadArtifact(uri, 'prep.dataset/data.csv'))!.text()).toBe('x,y\n1,2\n');
    const manifest = JSON.parse(await (await client.downloadArtifact(uri, 'prep.dataset/aero-artifact.json'))!.text());
    expect(manifest).toMatchObject({ name: 'prep.dataset', digest: dataset.digest, storage: 'upload', files: dataset.files });
    expect(tree.children.prep!.tags).toMatchObject({ 'aero.output.prep.dataset': dataset.digest, 'aero.output_storage.prep.dataset': 'upload' });
  });

  it('logs outputs above uploadThresholdBytes as a reference to the aero store, not uploaded', async () => {
    const files = py.children.find((c) => c.name === 'train')!.artifacts.map((a) => a.path);
    expect(files).toEqual(['train.model/aero-artifact.json']);
    const manifest = JSON.parse(await (await client.downloadArtifact(tree.children.train!.run.info.artifact_uri!, 'train.model/aero-artifact.json'))!.text());
    const hex = model.files[0]!.sha256;
    expect(manifest.storage).toBe('reference');
    expect(manifest.files[0].storeUri).toBe(`file://${project.aeroDir}/objects/sha256/${hex.slice(0, 2)}/${hex}`);
    expect(tree.children.train!.tags['aero.output_storage.train.model']).toBe('reference');
  });

  it('records cached outputs by tag without re-uploading them', () => {
    const e = py.children.find((c) => c.name === 'evaluate[split=test,sim=3]')!;
    expect(e.artifacts.map((a) => a.path)).toEqual(['evaluate.report/split=test/sim=3/aero-artifact.json']);
    expect(e.tags).toMatchObject({ 'aero.output.evaluate.report/split:test/sim:3': report.digest, 'aero.output_storage.evaluate.report/split:test/sim:3': 'cached' });
  });

  it('records inputs as lineage tags linking to the producing MLflow run', () => {
    const t = tree.children.train!.tags;
    expect(t['aero.input.prep.dataset']).toBe(dataset.digest);
    expect(t['aero.input_producer.prep.dataset']).toBe(`${run.runId}/prep`);
    expect(t['aero.input_mlflow_run.prep.dataset']).toBe(tree.children.prep!.run.info.run_id);
    expect(tree.children['evaluate[split=test,sim=3]']!.tags['aero.input_mlflow_run.train.model']).toBe(tree.children.train!.run.info.run_id);
  });
});
