import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArtifactRef } from '@aeroml/core';
import { fileTracker, readFileTracker, readMetrics } from '../src/index.js';
import { useTempDir } from '@aeroml/test-utils';
import { actionInfo, runInfo } from './helpers.js';

const tmp = useTempDir('aero-tracker-file-');
const json = async (path: string) => JSON.parse(await readFile(path, 'utf8'));
const lines = async (path: string) => (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
const ref = (name: string, digest: string): ArtifactRef => ({ name, digest, handler: 'json', files: [{ path: 'a.json', sha256: digest, size: 1 }], manifestKey: `artifacts/${name}/${digest}.json` });
const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

describe('layout on disk', () => {
  it('records a running instance as lines of actions.jsonl and gives it no folder when it logs no metrics', async () => {
    const runDir = tmp.path('layout');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    await t.logParams({ runId: 'r1' }, { model: { layers: 2 } });
    const train = actionInfo(runDir, 'train', { params: { lr: 0.1 }, group: 'model', type: 'train-model' });
    await t.startAction(train);
    const scope = { runId: 'r1', instanceId: 'train' };
    // The engine repeats the start params with logParams: nothing new, so no line.
    await t.logParams(scope, { lr: 0.1 });
    await t.logParams(scope, { optimizer: { name: 'adam' } });
    await t.logParams(scope, { optimizer: { beta: 0.9 } });
    await t.logArtifact(scope, ref('train.model', 'd1'), 'output');
    await t.setTags(scope, { stage: 'fit' });
    await t.endAction(scope, { status: 'failed', durationMs: 42, error: 'ValueError: boom' });
    await t.endRun({ runId: 'r1' }, { status: 'failed', durationMs: 99 });
    await t.close();

    expect((await readdir(runDir)).sort()).toEqual(['actions.jsonl', 'params.json', 'tags.json', 'tracker.json']);
    expect(existsSync(join(runDir, 'train'))).toBe(false);
    expect(await json(join(runDir, 'tracker.json'))).toMatchObject({ schema: 2, runId: 'r1', runName: 'r1-name', project: 'p', status: 'failed', startedAt: '2026-11-22T00:00:00.000Z', endedAt: iso, durationMs: 99, dev: false });
    expect(await json(join(runDir, 'params.json'))).toEqual({ model: { lr: 0.1, layers: 2 } });
    expect(await json(join(runDir, 'tags.json'))).toEqual({ who: 'me' });
    expect(await lines(join(runDir, 'actions.jsonl'))).toEqual([
      { event: 'start', instanceId: 'train', action: 'train', group: 'model', type: 'train-model', cacheKey: 'key-train', cached: false, startedAt: iso, status: 'running', dir: 'train', params: { lr: 0.1 } },
      { event: 'params', instanceId: 'train', params: { optimizer: { name: 'adam' } } },
      { event: 'params', instanceId: 'train', params: { optimizer: { beta: 0.9 } } },
      { event: 'artifact', instanceId: 'train', direction: 'output', ref: ref('train.model', 'd1'), loggedAt: iso },
      { event: 'tags', instanceId: 'train', tags: { stage: 'fit' } },
      { event: 'end', instanceId: 'train', status: 'failed', endedAt: iso, durationMs: 42, error: 'ValueError: boom' },
    ]);

    const back = await readFileTracker(runDir);
    expect(back.warnings).toEqual([]);
    expect(back.actions.train).toEqual({
      instanceId: 'train',
      dir: join(runDir, 'train'),
      params: { lr: 0.1, optimizer: { name: 'adam', beta: 0.9 } },
      tags: { stage: 'fit' },
      metrics: [],
      artifacts: [{ direction: 'output', name: 'train.model', digest: 'd1', loggedAt: iso, ref: ref('train.model', 'd1') }],
      status: 'failed',
      record: { schema: 2, instanceId: 'train', action: 'train', group: 'model', type: 'train-model', cacheKey: 'key-train', cached: false, status: 'failed', startedAt: iso, endedAt: iso, durationMs: 42, error: 'ValueError: boom' },
    });
  });

  it('creates an instance folder with metrics.jsonl only on its first logMetrics, announced in the log first', async () => {
    const runDir = tmp.path('metrics');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    await t.startAction(actionInfo(runDir, 'fit'));
    const scope = { runId: 'r1', instanceId: 'fit' };
    await t.logMetrics(scope, []);
    expect(existsSync(join(runDir, 'fit'))).toBe(false);
    await t.logMetrics(scope, [
      { name: 'loss', value: 1, step: 0, timestamp: 10 },
      { name: 'loss', value: 0.5, step: 1, timestamp: 11 },
    ]);
    await t.logMetrics(scope, [{ name: 'loss', value: 0.25, step: 2, timestamp: 12 }]);
    await t.endAction(scope, { status: 'ran', durationMs: 5 });
    // A late batch after endAction still lands in the same file.
    await t.logMetrics(scope, [{ name: 'loss', value: 0.125, step: 3, timestamp: 13 }]);
    await t.close();

    expect(await readdir(join(runDir, 'fit'))).toEqual(['metrics.jsonl']);
    expect(await lines(join(runDir, 'fit', 'metrics.jsonl'))).toEqual([
      { name: 'loss', value: 1, step: 0, timestamp: 10 },
      { name: 'loss', value: 0.5, step: 1, timestamp: 11 },
      { name: 'loss', value: 0.25, step: 2, timestamp: 12 },
      { name: 'loss', value: 0.125, step: 3, timestamp: 13 },
    ]);
    expect((await lines(join(runDir, 'actions.jsonl'))).map((l) => l.event)).toEqual(['start', 'metrics', 'end']);
    const back = await readFileTracker(runDir);
    expect(back.actions.fit!.metrics.map((p) => p.value)).toEqual([1, 0.5, 0.25, 0.125]);
    expect(back.actions.fit!.status).toBe('ran');
  });

  it('records each cached instance as one `cached` line written at endAction, with no folder', async () => {
    const runDir = tmp.path('cached');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    for (let i = 0; i < 3; i++) {
      const id = `sim[sim=${i}]`;
      await t.startAction(actionInfo(runDir, id, { cached: true, params: { sim: i }, partition: { sim: i } }));
      await t.logArtifact({ runId: 'r1', instanceId: id }, ref('sim.map', `m${i}`), 'output');
      await t.setTags({ runId: 'r1', instanceId: id }, { from: 'cache' });
      if (i === 0) expect(existsSync(join(runDir, 'actions.jsonl'))).toBe(false);
      await t.endAction({ runId: 'r1', instanceId: id }, { status: 'cached', durationMs: 0 });
    }
    // After its line is written, a call about a cached instance is appended like any other.
    await t.setTags({ runId: 'r1', instanceId: 'sim[sim=0]' }, { late: 'yes' });
    await t.endRun({ runId: 'r1' }, { status: 'succeeded', durationMs: 1 });
    await t.close();

    expect((await readdir(runDir)).sort()).toEqual(['actions.jsonl', 'params.json', 'tags.json', 'tracker.json']);
    const log = await lines(join(runDir, 'actions.jsonl'));
    expect(log.map((l) => `${l.event} ${l.instanceId}`)).toEqual(['cached sim[sim=0]', 'cached sim[sim=1]', 'cached sim[sim=2]', 'tags sim[sim=0]']);
    expect(log[2]).toEqual({
      event: 'cached',
      instanceId: 'sim[sim=2]',
      action: 'sim',
      partition: { sim: 2 },
      cacheKey: 'key-sim[sim=2]',
      cached: true,
      startedAt: iso,
      status: 'cached',
      endedAt: iso,
      durationMs: 0,
      dir: 'sim[sim=2]',
      params: { sim: 2 },
      tags: { from: 'cache' },
      artifacts: [{ direction: 'output', ref: ref('sim.map', 'm2'), loggedAt: iso }],
      metrics: [],
    });
    const back = await readFileTracker(runDir);
    expect(Object.keys(back.actions)).toEqual(['sim[sim=0]', 'sim[sim=1]', 'sim[sim=2]']);
    expect(back.actions['sim[sim=2]']).toMatchObject({ status: 'cached', params: { sim: 2 }, artifacts: [{ direction: 'output', name: 'sim.map', digest: 'm2' }], record: { cached: true, partition: { sim: 2 }, status: 'cached' } });
    expect(back.actions['sim[sim=2]']!.dir).toBe(join(runDir, 'sim[sim=2]'));
    expect(back.actions['sim[sim=0]']!.tags).toEqual({ from: 'cache', late: 'yes' });
  });

  it('logCached writes the `cached` line the three calls write, at once, and the instance reads back the same', async () => {
    const threeCalls = tmp.path('cached-three');
    const oneCall = tmp.path('cached-one');
    const info = (runDir: string) => actionInfo(runDir, 'sim[sim=7]', { cached: true, params: { sim: 7, nested: { a: [1, 2] } }, partition: { sim: 7 }, group: 'g' });
    const outputs = [ref('sim.map', 'm7'), ref('sim.log', 'l7')];
    const a = fileTracker();
    await a.startRun(runInfo(threeCalls));
    await a.startAction(info(threeCalls));
    for (const o of outputs) await a.logArtifact({ runId: 'r1', instanceId: 'sim[sim=7]' }, o, 'output');
    await a.endAction({ runId: 'r1', instanceId: 'sim[sim=7]' }, { status: 'cached', durationMs: 0 });
    await a.close();
    const b = fileTracker();
    await b.startRun(runInfo(oneCall));
    const given = info(oneCall);
    await b.logCached(given, outputs);
    // What the caller does with its objects afterwards does not reach the log.
    (given.params.nested as { a: number[] }).a.push(3);
    // Like any ended instance, a later call about it is appended to the log.
    await b.setTags({ runId: 'r1', instanceId: 'sim[sim=7]' }, { late: 'yes' });
    await b.close();

    const [three] = await lines(join(threeCalls, 'actions.jsonl'));
    const [one, late] = await lines(join(oneCall, 'actions.jsonl'));
    const times = (l: Record<string, unknown>) => ({ ...l, startedAt: 'T', endedAt: 'T', artifacts: (l.artifacts as object[]).map((x) => ({ ...x, loggedAt: 'T' })) });
    expect(times(one)).toEqual(times(three));
    expect(Object.keys(one)).toEqual(Object.keys(three));
    expect(one.params).toEqual({ sim: 7, nested: { a: [1, 2] } });
    // One moment for the whole instance: it was served, not run.
    expect(one.endedAt).toBe(one.startedAt);
    expect(one.artifacts.map((x: { loggedAt: string }) => x.loggedAt)).toEqual([one.startedAt, one.startedAt]);
    expect(late).toEqual({ event: 'tags', instanceId: 'sim[sim=7]', tags: { late: 'yes' } });
    const back = (await readFileTracker(oneCall)).actions['sim[sim=7]']!;
    expect(back).toMatchObject({ status: 'cached', dir: join(oneCall, 'sim[sim=7]'), tags: { late: 'yes' }, artifacts: [{ name: 'sim.map' }, { name: 'sim.log' }] });
  });

  it('logCached keeps the dir of an instance outside the run absolute, and resolves one given with `..`', async () => {
    const runDir = tmp.path('cached-dirs');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    const outside = tmp.path('elsewhere-cached', 'x');
    await t.logCached(actionInfo(runDir, 'out', { dir: outside, cached: true }), []);
    await t.logCached(actionInfo(runDir, 'up', { dir: `${runDir}/sub/../up`, cached: true }), []);
    await t.logCached(actionInfo(runDir, 'parent', { dir: `${runDir}/..`, cached: true }), []);
    await t.close();
    const log = await lines(join(runDir, 'actions.jsonl'));
    expect(log.map((l) => l.dir)).toEqual([outside, 'up', join(runDir, '..')]);
  });

  it('keeps NaN and ±Infinity metric values (loss diverged) and sorts by step', async () => {
    const runDir = tmp.path('nan');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    await t.startAction(actionInfo(runDir, 'train'));
    await t.logMetrics({ runId: 'r1', instanceId: 'train' }, [
      { name: 'loss', value: Number.NaN, step: 2, timestamp: 3 },
      { name: 'loss', value: Number.POSITIVE_INFINITY, step: 1, timestamp: 2 },
      { name: 'loss', value: Number.NEGATIVE_INFINITY, step: 0, timestamp: 1 },
    ]);
    await t.close();
    expect((await readFile(join(runDir, 'train', 'metrics.jsonl'), 'utf8')).split('\n')[0]).toBe('{"name":"loss","value":"NaN","step":2,"timestamp":3}');
    const points = await readMetrics(join(runDir, 'train', 'metrics.jsonl'));
    expect(points.map((p) => p.value)).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN]);
    expect((await readFileTracker(runDir)).actions.train!.metrics.map((p) => p.step)).toEqual([0, 1, 2]);
  });

  it('starts an action never started at its first call, with a folder under the run for its metrics', async () => {
    const runDir = tmp.path('late');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    await t.logMetrics({ runId: 'r1', instanceId: 'late[a=b c]' }, [{ name: 'x', value: 1, step: 0, timestamp: 0 }]);
    await t.logParams({ runId: 'r1', instanceId: 'late[a=b c]' }, { k: 1 });
    await t.close();
    expect(await lines(join(runDir, 'actions.jsonl'))).toEqual([
      { event: 'start', instanceId: 'late[a=b c]', action: 'late', cacheKey: '', cached: false, startedAt: iso, status: 'running', dir: 'late[a=b_c]', params: {} },
      { event: 'metrics', instanceId: 'late[a=b c]' },
      { event: 'params', instanceId: 'late[a=b c]', params: { k: 1 } },
    ]);
    expect(await readdir(join(runDir, 'late[a=b_c]'))).toEqual(['metrics.jsonl']);
    const back = await readFileTracker(runDir);
    expect(back.actions['late[a=b c]']).toMatchObject({ dir: join(runDir, 'late[a=b_c]'), params: { k: 1 }, status: 'running', record: { action: 'late', cacheKey: '' } });
    expect(back.actions['late[a=b c]']!.metrics).toEqual([{ name: 'x', value: 1, step: 0, timestamp: 0 }]);
  });

  it('writes the absolute dir of an instance outside the run, and creates it only for metrics', async () => {
    const runDir = tmp.path('outside-run');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    const quiet = tmp.path('elsewhere', 'quiet');
    const noisy = tmp.path('elsewhere', 'noisy');
    await t.startAction(actionInfo(runDir, 'quiet', { dir: quiet }));
    await t.setTags({ runId: 'r1', instanceId: 'quiet' }, { where: 'outside' });
    await t.endAction({ runId: 'r1', instanceId: 'quiet' }, { status: 'ran', durationMs: 1 });
    await t.startAction(actionInfo(runDir, 'noisy', { dir: noisy }));
    await t.logMetrics({ runId: 'r1', instanceId: 'noisy' }, [{ name: 'm', value: 3, step: 0, timestamp: 0 }]);
    await t.endAction({ runId: 'r1', instanceId: 'noisy' }, { status: 'ran', durationMs: 1 });
    await t.close();
    const starts = (await lines(join(runDir, 'actions.jsonl'))).filter((l) => l.event === 'start');
    expect(starts.map((l) => l.dir)).toEqual([quiet, noisy]);
    expect(existsSync(quiet)).toBe(false);
    expect(await readdir(noisy)).toEqual(['metrics.jsonl']);
    const back = await readFileTracker(runDir);
    expect(back.actions.quiet).toMatchObject({ dir: quiet, tags: { where: 'outside' }, status: 'ran' });
    expect(back.actions.noisy).toMatchObject({ dir: noisy, metrics: [{ name: 'm', value: 3, step: 0, timestamp: 0 }], status: 'ran' });
  });

  it('keeps two runs of one tracker apart, and leaves no temp files', async () => {
    const t = fileTracker();
    const a = tmp.path('two', 'a');
    const b = tmp.path('two', 'b');
    await t.startRun(runInfo(a, 'ra'));
    await t.startRun(runInfo(b, 'rb', { params: { other: true } }));
    await t.startAction({ ...actionInfo(a, 'x'), runId: 'ra' });
    await t.startAction({ ...actionInfo(b, 'x'), runId: 'rb' });
    await t.logMetrics({ runId: 'ra', instanceId: 'x' }, [{ name: 'm', value: 1, step: 0, timestamp: 0 }]);
    await t.logMetrics({ runId: 'rb', instanceId: 'x' }, [{ name: 'm', value: 2, step: 0, timestamp: 0 }]);
    await t.close();
    expect((await readFileTracker(a)).actions.x!.metrics[0]!.value).toBe(1);
    expect((await readFileTracker(b)).actions.x!.metrics[0]!.value).toBe(2);
    expect((await readFileTracker(b)).run.params).toEqual({ other: true });
    for (const dir of [a, b, join(a, 'x'), join(b, 'x')]) expect((await readdir(dir)).filter((n) => n.startsWith('.aero-tmp-'))).toEqual([]);
  });

  it('appends one write per call through a descriptor kept open, so the order of calls is the order of lines', async () => {
    const runDir = tmp.path('order');
    const t = fileTracker({ fsync: true });
    await t.startRun(runInfo(runDir));
    const ids = Array.from({ length: 50 }, (_, i) => `w[i=${i}]`);
    // Interleaved like parallel instances (-j N): starts, then artifacts, then ends.
    for (const id of ids) await t.startAction(actionInfo(runDir, id));
    for (const id of ids) await t.logArtifact({ runId: 'r1', instanceId: id }, ref('w.out', id), 'output');
    for (const id of ids.toReversed()) await t.endAction({ runId: 'r1', instanceId: id }, { status: 'ran', durationMs: 1 });
    await t.endRun({ runId: 'r1' }, { status: 'succeeded', durationMs: 1 });
    await t.close();
    const log = await lines(join(runDir, 'actions.jsonl'));
    expect(log).toHaveLength(150);
    expect(log.slice(100).map((l) => l.instanceId)).toEqual(ids.toReversed());
    const back = await readFileTracker(runDir);
    expect(Object.keys(back.actions)).toEqual(ids);
    expect(Object.values(back.actions).every((a) => a.status === 'ran' && a.artifacts[0]!.digest === a.instanceId)).toBe(true);
  });
});
