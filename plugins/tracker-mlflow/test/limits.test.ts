// log-batch limits (1000 metrics, 100 params, 100 tags, 1 MB), MLflow's value limits and
// key rules, and what happens to entries the server refuses.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { MetricPoint } from '@aeroml/core';
import { MlflowClient, mlflowTracker } from '../src/index.js';
import { actionInfo, captureLogger, useProject, runInfo } from './support/fixtures.js';
import { readAeroRun } from './support/readback.js';

const { trackingUri } = inject('mlflow');
const client = new MlflowClient({ trackingUri });

describe('limits', () => {
  const project = useProject();

  it('splits params, tags and metrics into requests within the log-batch limits and delivers all of them', async () => {
    const params: Record<string, unknown> = {};
    for (let i = 0; i < 250; i++) params[`p${i}`] = { value: i };
    const run = runInfo(project.runsRoot, { params });
    const logger = captureLogger();
    const t = mlflowTracker({ trackingUri, logger });
    await t.startRun(run);
    await t.startAction(actionInfo(run, 'train'));
    const scope = { runId: run.runId, instanceId: 'train' };
    // 150 tags of 7,000 characters: over 1 MB together.
    const tags: Record<string, string> = {};
    for (let i = 0; i < 150; i++) tags[`big${i}`] = `${i}:`.padEnd(7000, 'x');
    await t.setTags(scope, tags);
    const batch: MetricPoint[] = [];
    for (let step = 0; step < 2500; step++) batch.push({ name: 'loss', value: step * 0.25, step, timestamp: 1_700_000_000_000 + step });
    await t.logMetrics(scope, batch);
    await t.endAction(scope, { status: 'ran', durationMs: 1 });
    await t.endRun({ runId: run.runId }, { status: 'succeeded', durationMs: 1 });
    await t.close();
    const tree = (await readAeroRun(client, run.project, run.runId))!;
    expect(Object.keys(tree.parent.params).filter((k) => /^p\d+\.value$/.test(k))).toHaveLength(250);
    expect(tree.parent.params['p249.value']).toBe('249');
    const train = tree.children.train!;
    expect(Object.keys(train.tags).filter((k) => k.startsWith('big'))).toHaveLength(150);
    expect(train.tags.big149).toBe(tags.big149);
    expect(train.metrics.map((m) => [m.step, m.value, m.timestamp])).toEqual(batch.map((p) => [p.step, p.value, p.timestamp]));
    // No request went over a limit (the server would have refused it and the sender halved it).
    expect(logger.lines.filter((l) => l.message.includes('retrying in halves'))).toEqual([]);
  });

  it('makes invalid keys valid and truncates long tags, keeping the full text as an artifact', async () => {
    const logger = captureLogger();
    const run = runInfo(project.runsRoot);
    const t = mlflowTracker({ trackingUri, logger });
    await t.startRun(run);
    await t.logParams({ runId: run.runId }, { 'weird[key]': 1, 'a//b': 2 });
    await t.logMetrics({ runId: run.runId }, [{ name: 'val@loss', value: 1, step: 3, timestamp: 5 }]);
    const long = 'T'.repeat(9000);
    await t.setTags({ runId: run.runId }, { note: long });
    await t.close();
    const tree = (await readAeroRun(client, run.project, run.runId))!;
    expect(tree.parent.params).toMatchObject({ weird_key_: '1', 'a/b': '2' });
    expect(tree.parent.metrics).toEqual([{ key: 'val_loss', value: 1, step: 3, timestamp: 5 }]);
    expect(tree.parent.tags.note).toHaveLength(8000);
    const res = await client.downloadArtifact(tree.parent.run.info.artifact_uri!, 'aero/tags/note.txt');
    expect(await res!.text()).toBe(long);
    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toContain('mlflow: param key `weird[key]` is not a valid MLflow key; logged as `weird_key_`.');
    expect(warnings).toContain('mlflow: metric name `val@loss` is not a valid MLflow key; logged as `val_loss`.');
    expect(warnings).toContain("mlflow: tag `note` is 9000 characters, over MLflow's 8000; the value is truncated and the full text is kept as artifact aero/tags/note.txt.");
  });

  it('MLFLOW_EVENTS_REJECTED: a param that changes value is refused alone, everything sent with it arrives', async () => {
    const logger = captureLogger();
    const run = runInfo(project.runsRoot);
    const t = mlflowTracker({ trackingUri, logger });
    await t.startRun(run);
    await t.startAction(actionInfo(run, 'train', { params: { lr: 0.1 } }));
    const scope = { runId: run.runId, instanceId: 'train' };
    await t.flush();
    // Same log-batch window: the conflicting param, a good param, metrics and a tag.
    await t.logParams(scope, { lr: 0.2, momentum: 0.9 });
    await t.logMetrics(scope, [0, 1, 2, 3].map((step) => ({ name: 'acc', value: step / 4, step, timestamp: 100 + step })));
    await t.setTags(scope, { phase: 'two' });
    let error: (Error & { code?: string }) | undefined;
    await t.flush().catch((e: Error) => (error = e));
    expect(error?.code).toBe('MLFLOW_EVENTS_REJECTED');
    expect(error?.message).toMatch(/^MLflow refused 1 event\(s\) for good \(first: MLflow refused 1 param `lr` of run [0-9a-f]{32}: MLflow refused POST runs\/log-batch \(HTTP 400 INVALID_PARAMETER_VALUE\): Changing param values is not allowed.*\); they are listed in .*\/mlflow\/rejected\.jsonl\.$/);
    await t.close();
    const tree = (await readAeroRun(client, run.project, run.runId))!;
    expect(tree.children.train!.params).toEqual({ lr: '0.1', momentum: '0.9' });
    expect(tree.children.train!.metrics.map((m) => m.value)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(tree.children.train!.tags.phase).toBe('two');
    const rejected = (await readFile(join(run.runDir, 'mlflow', 'rejected.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rejected).toHaveLength(1);
    expect(rejected[0].detail).toEqual([{ kind: 'params', entry: { key: 'lr', value: '0.2' }, seq: expect.any(Number) }]);
  });
});
