// serotiny-style resume: a run name that already exists is continued when `resume: true`,
// and a recorded artifact is loaded back from an MLflow run id.
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rejection as caught } from '@aeroml/test-utils';
import type { ArtifactRef, RunInfo } from '@aeroml/core';
import { loadArtifact, MlflowClient, mlflowTracker } from '../src/index.js';
import { actionInfo, makeProject, rid, runInfo, storeArtifact, useProject } from './support/fixtures.js';
import { readWithPython } from './support/python.js';

const { trackingUri, python } = inject('mlflow');
const client = new MlflowClient({ trackingUri });

async function parentsNamed(experiment: string, runName: string) {
  const exp = await client.getExperimentByName(experiment);
  const runs = await client.searchAllRuns({ experimentIds: [exp!.experiment_id], filter: `attributes.run_name = '${runName}'` });
  return runs.filter((r) => !r.data.tags.some((t) => t.key === 'mlflow.parentRunId'));
}

/** One training attempt: logs `loss` for steps [from, to) and ends with `status`. */
async function attempt(options: { resume: boolean; project: string; runsRoot: string; runName: string; from: number; to: number; status: 'ran' | 'failed' }): Promise<RunInfo> {
  const run = runInfo(options.runsRoot, { project: options.project, runName: options.runName, params: { lr: 0.1 } });
  const t = mlflowTracker({ trackingUri, resume: options.resume });
  await t.startRun(run);
  await t.startAction(actionInfo(run, 'train', { params: { epochs: 10 } }));
  const scope = { runId: run.runId, instanceId: 'train' };
  const points = [];
  for (let step = options.from; step < options.to; step++) points.push({ name: 'loss', value: 1 / (step + 1), step, timestamp: 1_700_000_000_000 + step });
  await t.logMetrics(scope, points);
  await t.endAction(scope, { status: options.status, durationMs: 1 });
  await t.endRun({ runId: run.runId }, { status: options.status === 'ran' ? 'succeeded' : 'failed', durationMs: 1 });
  await t.close();
  return run;
}

describe('resume', () => {
  const project = useProject();
  const experiment = `aero-resume-${rid()}`;

  it('resume: true continues the existing MLflow run of that name (and its action runs) instead of duplicating it', async () => {
    const runName = `train-${rid(3)}`;
    const base = { project: experiment, runsRoot: project.runsRoot, runName };
    await attempt({ ...base, resume: true, from: 0, to: 100, status: 'failed' });
    const [first] = await parentsNamed(experiment, runName);
    expect(first!.info.status).toBe('FAILED');
    const second = await attempt({ ...base, resume: true, from: 100, to: 250, status: 'ran' });
    const parents = await parentsNamed(experiment, runName);
    expect(parents.map((p) => p.info.run_id)).toEqual([first!.info.run_id]);
    const py = await readWithPython(python, trackingUri, first!.info.run_id);
    expect(py.parent.status).toBe('FINISHED');
    expect(py.parent.tags['aero.run_id']).toBe(second.runId);
    expect(py.children).toHaveLength(1);
    expect(py.children[0]!.status).toBe('FINISHED');
    expect(py.children[0]!.metrics.loss!.map((m) => m.step).sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('without resume, the same run name makes a new MLflow run', async () => {
    const runName = `train-${rid(3)}`;
    const base = { project: experiment, runsRoot: project.runsRoot, runName, status: 'ran' as const };
    await attempt({ ...base, resume: false, from: 0, to: 5 });
    await attempt({ ...base, resume: false, from: 0, to: 5 });
    expect(await parentsNamed(experiment, runName)).toHaveLength(2);
  });
});

describe('loadArtifact', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  let model: ArtifactRef, big: ArtifactRef;
  let parentId = '', trainId = '', cachedParentId = '';
  const experiment = `aero-load-${rid()}`;

  beforeAll(async () => {
    project = await makeProject();
    const run = runInfo(project.runsRoot, { project: experiment });
    model = await storeArtifact(project.aeroDir, 'train.model', { 'weights.bin': Buffer.from([1, 2, 3, 4]), 'config/model.json': '{"layers":2}' }, { producer: { runId: run.runId, instanceId: 'train', cacheKey: 'k' } });
    big = await storeArtifact(project.aeroDir, 'train.checkpoint', { 'ckpt.bin': Buffer.alloc(4096, 1) });
    const t = mlflowTracker({ trackingUri, uploadThresholdBytes: 1024 });
    await t.startRun(run);
    await t.startAction(actionInfo(run, 'train'));
    await t.logArtifact({ runId: run.runId, instanceId: 'train' }, model, 'output');
    await t.logArtifact({ runId: run.runId, instanceId: 'train' }, big, 'output');
    await t.endAction({ runId: run.runId, instanceId: 'train' }, { status: 'ran', durationMs: 1 });
    await t.endRun({ runId: run.runId }, { status: 'succeeded', durationMs: 1 });
    await t.flush();
    parentId = t.mlflowRunId({ runId: run.runId })!;
    trainId = t.mlflowRunId({ runId: run.runId, instanceId: 'train' })!;
    await t.close();
    // A later run where train was a cache hit: its output is recorded, not uploaded again.
    const again = runInfo(project.runsRoot, { project: experiment });
    const t2 = mlflowTracker({ trackingUri });
    await t2.startRun(again);
    await t2.startAction(actionInfo(again, 'train', { cached: true }));
    await t2.logArtifact({ runId: again.runId, instanceId: 'train' }, model, 'output');
    await t2.endAction({ runId: again.runId, instanceId: 'train' }, { status: 'cached', durationMs: 1 });
    await t2.endRun({ runId: again.runId }, { status: 'succeeded', durationMs: 1 });
    await t2.flush();
    cachedParentId = t2.mlflowRunId({ runId: again.runId })!;
    await t2.close();
  });
  afterAll(async () => {
    if (project) await rm(project.root, { recursive: true, force: true });
  });

  it('downloads an uploaded output given the pipeline (parent) run id, checking every sha256', async () => {
    const dest = `${project.root}/loaded-1`;
    const loaded = await loadArtifact({ trackingUri, runId: parentId, name: 'train.model', destDir: dest });
    expect(loaded).toMatchObject({ mlflowRunId: trainId, digest: model.digest, storage: 'upload', source: 'mlflow', files: model.files });
    expect(loaded.paths).toEqual([`${dest}/weights.bin`, `${dest}/config/model.json`]);
    expect([...(await readFile(`${dest}/weights.bin`))]).toEqual([1, 2, 3, 4]);
    expect(await readFile(`${dest}/config/model.json`, 'utf8')).toBe('{"layers":2}');
  });

  it('also from the action run id', async () => {
    const loaded = await loadArtifact({ trackingUri, runId: trainId, name: 'train.model', destDir: `${project.root}/loaded-2` });
    expect(loaded.mlflowRunId).toBe(trainId);
  });

  it('a cached output comes from the run that uploaded the same digest', async () => {
    const loaded = await loadArtifact({ trackingUri, runId: cachedParentId, name: 'train.model', destDir: `${project.root}/loaded-3` });
    expect(loaded).toMatchObject({ storage: 'cached', source: 'mlflow', mlflowRunId: trainId, digest: model.digest });
  });

  it('a reference output comes from the aero store when given, else MLFLOW_ARTIFACT_NOT_UPLOADED', async () => {
    const fromStore = await loadArtifact({ trackingUri, runId: parentId, name: 'train.checkpoint', destDir: `${project.root}/loaded-4`, store: { localRoot: project.aeroDir } });
    expect(fromStore).toMatchObject({ storage: 'reference', source: 'store' });
    expect((await readFile(fromStore.paths[0]!)).length).toBe(4096);
    const e = await caught(loadArtifact({ trackingUri, runId: parentId, name: 'train.checkpoint', destDir: `${project.root}/loaded-5` }));
    expect(e.code).toBe('MLFLOW_ARTIFACT_NOT_UPLOADED');
    expect(e.message).toBe(`Output \`train.checkpoint\` of MLflow run ${trainId} was logged as a reference to the aero store (reference), and its bytes are not reachable here.`);
    expect(e.hint).toContain(`objects/sha256/${big.files[0]!.sha256.slice(0, 2)}/${big.files[0]!.sha256}`);
  });

  it('MLFLOW_RUN_NOT_FOUND and MLFLOW_ARTIFACT_NOT_FOUND (listing what the run has)', async () => {
    const e1 = await caught(loadArtifact({ trackingUri, runId: '0123456789abcdef0123456789abcdef', name: 'train.model', destDir: project.root }));
    expect(e1.code).toBe('MLFLOW_RUN_NOT_FOUND');
    expect(e1.message).toBe(`MLflow run 0123456789abcdef0123456789abcdef does not exist on ${trackingUri}.`);
    const e2 = await caught(loadArtifact({ trackingUri, runId: parentId, name: 'train.optimizer', destDir: project.root }));
    expect(e2.code).toBe('MLFLOW_ARTIFACT_NOT_FOUND');
    expect(e2.message).toBe(`MLflow run ${parentId} (and its action runs) recorded no aero output \`train.optimizer\`; it has: train.checkpoint, train.model.`);
  });

  it('MLFLOW_ARTIFACT_CORRUPT when the bytes in MLflow no longer match the manifest', async () => {
    const run = await client.getRun(trainId);
    await client.uploadArtifact(run!.info.artifact_uri!, 'train.model/weights.bin', new Uint8Array([9, 9, 9, 9]));
    const dest = `${project.root}/loaded-6`;
    const e = await caught(loadArtifact({ trackingUri, runId: trainId, name: 'train.model', destDir: dest }));
    expect(e.code).toBe('MLFLOW_ARTIFACT_CORRUPT');
    expect(e.message).toMatch(/^train\.model\/weights\.bin from MLflow has sha256 [0-9a-f]{64}, but its manifest says [0-9a-f]{64}; it was not written\.$/);
    await expect(readFile(`${dest}/weights.bin`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
