// The server goes away mid-run (SIGKILL), hangs (SIGSTOP), and the tracker process itself
// crashes: the pipeline keeps going, events are spooled under the run folder, and every
// metric reaches MLflow exactly once after the server is back (flush / sync).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MetricPoint, RunInfo } from '@aeroml/core';
import { MlflowClient, mlflowTracker, type MlflowTracker } from '../src/index.js';
import { actionInfo, makeProject, rid, runInfo } from './support/fixtures.js';
import { readWithPython } from './support/python.js';
import { readAeroRun } from './support/readback.js';
import { freePort, PrivateMlflow } from './support/server.js';

const { bin, python } = inject('mlflow');
const fast = { flushTimeoutMs: 1500, syncTimeoutMs: 120_000, retryDelayMs: 100, retryMaxDelayMs: 1000, requestTimeoutMs: 3000, batchDelayMs: 5 };

/** Flushes until nothing is left (as repeated `aero sync` would); each failed flush must be MLFLOW_SPOOLED. */
async function flushUntilDelivered(tracker: MlflowTracker, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const error = await tracker.flush().then(
      () => null,
      (e: unknown) => e as { code?: string },
    );
    if (!error) return;
    expect(error.code).toBe('MLFLOW_SPOOLED');
    expect(attempt, `the tracker never caught up ${what}`).toBeLessThan(60);
  }
}

function points(run: RunInfo, from: number, to: number, name = 'loss'): MetricPoint[] {
  const t0 = Date.parse(run.startedAt);
  const out: MetricPoint[] = [];
  for (let step = from; step < to; step++) out.push({ name, value: Math.sin(step) + step / 1000, step, timestamp: t0 + step });
  return out;
}

/** Every point of `name` in the child run `instanceId`, sorted, plus a count of parent runs for the aero run. */
async function readBack(client: MlflowClient, experiment: string, run: RunInfo, instanceId: string, name = 'loss') {
  const tree = await readAeroRun(client, experiment, run.runId);
  expect(tree, `no MLflow run for ${run.runId}`).not.toBeNull();
  const experimentId = tree!.parent.run.info.experiment_id;
  const parents = (await client.searchAllRuns({ experimentIds: [experimentId], filter: `tags.\`aero.run_id\` = '${run.runId}'` })).filter((r) => !r.data.tags.some((t) => t.key === 'mlflow.parentRunId'));
  const child = tree!.children[instanceId];
  const metrics = (child?.metrics ?? []).filter((m) => m.key === name).map((m) => ({ step: m.step, value: m.value, timestamp: m.timestamp }));
  return { tree: tree!, parents: parents.length, children: Object.keys(tree!.children), metrics };
}

describe('outages: server killed, hung and the tracker process crashing', () => {
  let server: PrivateMlflow;
  let project: Awaited<ReturnType<typeof makeProject>>;
  let client: MlflowClient;
  const experiment = `aero-outage-${rid()}`;
  const open: MlflowTracker[] = [];

  beforeAll(async () => {
    project = await makeProject();
    server = new PrivateMlflow(bin, join(project.root, 'server'), await freePort());
    await server.start();
    client = new MlflowClient({ trackingUri: server.uri });
  });

  afterAll(async () => {
    for (const t of open) await t.close().catch(() => undefined);
    await server?.kill();
    if (project) await rm(project.root, { recursive: true, force: true });
  });

  it('keeps logging while the server is SIGKILLed, then delivers every metric exactly once after a restart (flush and aero sync)', async () => {
    const runA = runInfo(project.runsRoot);
    const a = mlflowTracker({ trackingUri: server.uri, experimentName: experiment, ...fast });
    open.push(a);
    const scopeA = { runId: runA.runId, instanceId: 'train' };
    await a.startRun(runA);
    await a.startAction(actionInfo(runA, 'train', { params: { lr: 0.1 } }));
    const sent = points(runA, 0, 4000);
    for (let i = 0; i < 2000; i += 50) await a.logMetrics(scopeA, sent.slice(i, i + 50));
    // Kill while the background sender is (most likely) mid-request.
    await server.kill();
    for (let i = 2000; i < 4000; i += 50) await a.logMetrics(scopeA, sent.slice(i, i + 50));
    await a.endAction(scopeA, { status: 'ran', durationMs: 100 });
    await a.endRun({ runId: runA.runId }, { status: 'succeeded', durationMs: 200 });
    const spooled = await a.flush().then(
      () => null,
      (error: unknown) => error as Error & { code: string },
    );
    expect(spooled?.code).toBe('MLFLOW_SPOOLED');
    // Nothing answers on the port: the flush gives up after offlineAfterAttempts (2) tries.
    expect(spooled?.message).toMatch(/^\d+ MLflow event\(s\) are spooled, not sent: MLflow server at http:\/\/127\.0\.0\.1:\d+ is unreachable .*\) \(gave up after 2 attempt\(s\)\)\. They are kept in .*\/mlflow\.$/);
    expect(a.pendingEvents(runA.runId)).toBeGreaterThan(0);
    expect((await readFile(join(runA.runDir, 'mlflow', 'ops.jsonl'), 'utf8')).split('\n').length).toBeGreaterThan(1);

    // A second pipeline runs entirely while the server is down, and its process ends.
    const runB = runInfo(project.runsRoot);
    const b = mlflowTracker({ trackingUri: server.uri, experimentName: experiment, ...fast });
    await b.startRun(runB);
    await b.startAction(actionInfo(runB, 'train'));
    const sentB = points(runB, 0, 1500);
    await b.logMetrics({ runId: runB.runId, instanceId: 'train' }, sentB);
    await b.endAction({ runId: runB.runId, instanceId: 'train' }, { status: 'failed', durationMs: 5, error: 'boom' });
    await b.endRun({ runId: runB.runId }, { status: 'failed', durationMs: 6 });
    await expect(b.close()).rejects.toMatchObject({ code: 'MLFLOW_SPOOLED' });

    await server.start();
    // The live tracker delivers its backlog itself.
    await flushUntilDelivered(a, 'after the restart');
    expect(a.pendingEvents(runA.runId)).toBe(0);
    // `aero sync` from a fresh tracker pushes the run whose process is gone, and leaves A (locked by a live tracker) alone.
    const c = mlflowTracker({ trackingUri: server.uri, experimentName: experiment, ...fast });
    const result = await c.sync({ runsRoot: project.runsRoot });
    expect(result.remaining).toBe(0);
    expect(result.pushed).toBeGreaterThan(0);
    expect(await c.sync({ runsRoot: project.runsRoot })).toEqual({ pushed: 0, remaining: 0 });
    await a.close();
    expect(existsSync(join(runA.runDir, 'mlflow', 'ops.jsonl'))).toBe(false);
    expect(existsSync(join(runB.runDir, 'mlflow', 'ops.jsonl'))).toBe(false);

    const want = sent.map((p) => ({ step: p.step, value: p.value, timestamp: p.timestamp }));
    const gotA = await readBack(client, experiment, runA, 'train');
    expect(gotA.parents).toBe(1);
    expect(gotA.children).toEqual(['train']);
    expect(gotA.metrics).toEqual(want);
    const gotB = await readBack(client, experiment, runB, 'train');
    expect(gotB.parents).toBe(1);
    expect(gotB.metrics).toEqual(sentB.map((p) => ({ step: p.step, value: p.value, timestamp: p.timestamp })));
    // The same from MLflow's Python client: statuses and exact counts.
    const pyA = await readWithPython(python, server.uri, gotA.tree.parent.run.info.run_id);
    expect(pyA.parent.status).toBe('FINISHED');
    expect(pyA.children[0]!.metrics.loss!.length).toBe(4000);
    expect(new Set(pyA.children[0]!.metrics.loss!.map((m) => m.step)).size).toBe(4000);
    const pyB = await readWithPython(python, server.uri, gotB.tree.parent.run.info.run_id);
    expect([pyB.parent.status, pyB.children[0]!.status]).toEqual(['FAILED', 'FAILED']);
  });

  it('survives a hung server (SIGSTOP): timed-out requests that the server later applies are not duplicated', async () => {
    const run = runInfo(project.runsRoot);
    const t = mlflowTracker({ trackingUri: server.uri, experimentName: experiment, ...fast, requestTimeoutMs: 800, flushTimeoutMs: 3000 });
    open.push(t);
    const scope = { runId: run.runId, instanceId: 'train' };
    await t.startRun(run);
    await t.startAction(actionInfo(run, 'train'));
    await t.flush();
    const sent = points(run, 0, 3000);
    for (let i = 0; i < 1500; i += 100) await t.logMetrics(scope, sent.slice(i, i + 100));
    server.signal('SIGSTOP');
    try {
      for (let i = 1500; i < 3000; i += 100) await t.logMetrics(scope, sent.slice(i, i + 100));
      await t.endAction(scope, { status: 'ran', durationMs: 1 });
      await t.endRun({ runId: run.runId }, { status: 'succeeded', durationMs: 2 });
      await expect(t.flush()).rejects.toMatchObject({ code: 'MLFLOW_SPOOLED', message: expect.stringContaining('timed out') });
    } finally {
      server.signal('SIGCONT');
    }
    // The server first works through the requests that piled up while it was stopped.
    await flushUntilDelivered(t, 'after SIGCONT');
    const got = await readBack(client, experiment, run, 'train');
    expect(got.metrics).toEqual(sent.map((p) => ({ step: p.step, value: p.value, timestamp: p.timestamp })));
    expect(got.tree.children.train!.run.info.status).toBe('FINISHED');
  });

  it('recovers the spool of a tracker process that was SIGKILLed (stale lock) with aero sync', async () => {
    const run = runInfo(project.runsRoot);
    const down = `http://127.0.0.1:${await freePort()}`;
    const dist = join(import.meta.dirname, '..', 'dist', 'index.js');
    expect(existsSync(dist), 'build the package first (npm run build): the crash test runs dist/index.js in a child process').toBe(true);
    const child = spawn(process.execPath, [join(import.meta.dirname, 'support', 'crash-child.mjs'), dist, JSON.stringify(run), down, '2500'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('spooled') && resolve());
      child.once('exit', (code) => reject(new Error(`crash child exited early with ${code}`)));
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const lock = JSON.parse(await readFile(join(run.runDir, 'mlflow', 'lock.json'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(child.pid);

    const syncer = mlflowTracker({ trackingUri: server.uri, experimentName: experiment, ...fast });
    const result = await syncer.sync({ runsRoot: project.runsRoot, runDir: run.runDir });
    expect(result).toEqual({ pushed: expect.any(Number), remaining: 0 });
    expect(result.pushed).toBeGreaterThan(0);
    // The run was created with the project as experiment (the child had no experimentName).
    const got = await readBack(client, run.project, run, 'train');
    expect(got.parents).toBe(1);
    expect(got.metrics).toHaveLength(2500);
    expect(got.tree.parent.params).toEqual({});
    expect(got.tree.children.train!.params).toEqual({ lr: '0.1' });
  });

  it('does not create a second MLflow run when the spool lost track of one it created (crash between create and state save)', async () => {
    const run = runInfo(project.runsRoot);
    // The state of the world after such a crash: the parent and child runs exist on the server...
    const exp = await client.ensureExperiment(experiment);
    const parent = await client.createRun({ experimentId: exp.experiment_id, runName: run.runName, startTime: 1, tags: [{ key: 'aero.run_id', value: run.runId }] });
    const childRun = await client.createRun({ experimentId: exp.experiment_id, runName: 'train', startTime: 2, tags: [{ key: 'mlflow.parentRunId', value: parent.info.run_id }, { key: 'aero.instance_id', value: 'train' }, { key: 'aero.run_id', value: run.runId }] });
    // ...and the journal still holds every op, with no state.json.
    const dir = join(run.runDir, 'mlflow');
    await mkdir(dir, { recursive: true });
    const ops = [
      { seq: 1, t: 'run', scope: { runId: run.runId }, experimentName: experiment, runName: run.runName, startTime: 1, resume: false, createTags: [{ key: 'aero.run_id', value: run.runId }] },
      { seq: 2, t: 'action', scope: { runId: run.runId, instanceId: 'train' }, runName: 'train', startTime: 2, createTags: [{ key: 'aero.run_id', value: run.runId }, { key: 'aero.instance_id', value: 'train' }] },
      { seq: 3, t: 'data', scope: { runId: run.runId, instanceId: 'train' }, metrics: [{ key: 'loss', value: 0.5, timestamp: 10, step: 0 }] },
      { seq: 4, t: 'end', scope: { runId: run.runId, instanceId: 'train' }, status: 'FINISHED', endTime: 20 },
      { seq: 5, t: 'end', scope: { runId: run.runId }, status: 'FINISHED', endTime: 21 },
    ];
    await writeFile(join(dir, 'ops.jsonl'), `${ops.map((o) => JSON.stringify(o)).join('\n')}\n{"seq":6,"t":"da`);
    const syncer = mlflowTracker({ trackingUri: server.uri, experimentName: experiment, ...fast });
    expect(await syncer.sync({ runsRoot: project.runsRoot, runDir: run.runDir })).toEqual({ pushed: 5, remaining: 0 });
    const got = await readBack(client, experiment, run, 'train');
    expect(got.parents).toBe(1);
    expect(got.tree.parent.run.info.run_id).toBe(parent.info.run_id);
    expect(got.tree.children.train!.run.info.run_id).toBe(childRun.info.run_id);
    expect(got.metrics).toEqual([{ step: 0, value: 0.5, timestamp: 10 }]);
    expect([got.tree.parent.run.info.status, got.tree.children.train!.run.info.status]).toEqual(['FINISHED', 'FINISHED']);
  });
});
