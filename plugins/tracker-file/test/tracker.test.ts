import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArtifactRef } from '@aero/core';
import { fileTracker, readFileTracker, readMetrics } from '../src/index.js';
import { actionInfo, runInfo, useTempDir } from './helpers.js';

const tmp = useTempDir();
const json = async (path: string) => JSON.parse(await readFile(path, 'utf8'));
const lines = async (path: string) => (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
const ref = (name: string, digest: string): ArtifactRef => ({ name, digest, handler: 'json', files: [{ path: 'a.json', sha256: digest, size: 1 }], manifestKey: `artifacts/${name}/${digest}.json` });

describe('layout on disk', () => {
  it('writes the run files and the action files named in the docs', async () => {
    const runDir = tmp.path('layout');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    await t.logParams({ runId: 'r1' }, { model: { layers: 2 } });
    const train = actionInfo(runDir, 'train', { params: { lr: 0.1 }, group: 'model', type: 'train-model' });
    await t.startAction(train);
    expect(await json(join(runDir, 'train', 'status.json'))).toMatchObject({ status: 'running', instanceId: 'train', action: 'train', group: 'model', type: 'train-model', cacheKey: 'key-train', cached: false });
    await t.logParams({ runId: 'r1', instanceId: 'train' }, { optimizer: { name: 'adam' } });
    await t.logParams({ runId: 'r1', instanceId: 'train' }, { optimizer: { beta: 0.9 } });
    await t.logMetrics({ runId: 'r1', instanceId: 'train' }, [
      { name: 'loss', value: 1, step: 0, timestamp: 10 },
      { name: 'loss', value: 0.5, step: 1, timestamp: 11 },
    ]);
    await t.logArtifact({ runId: 'r1', instanceId: 'train' }, ref('train.model', 'd1'), 'output');
    await t.setTags({ runId: 'r1', instanceId: 'train' }, { stage: 'fit' });
    await t.endAction({ runId: 'r1', instanceId: 'train' }, { status: 'failed', durationMs: 42, error: 'ValueError: boom' });
    await t.endRun({ runId: 'r1' }, { status: 'failed', durationMs: 99 });
    await t.close();

    expect((await readdir(runDir)).sort()).toEqual(['actions.jsonl', 'params.json', 'tags.json', 'tracker.json', 'train']);
    expect((await readdir(join(runDir, 'train'))).sort()).toEqual(['artifacts.jsonl', 'metrics.jsonl', 'params.json', 'status.json', 'tags.json']);
    expect(await json(join(runDir, 'tracker.json'))).toMatchObject({ schema: 1, runId: 'r1', runName: 'r1-name', project: 'p', status: 'failed', startedAt: '2026-11-22T00:00:00.000Z', durationMs: 99, dev: false });
    expect((await json(join(runDir, 'tracker.json'))).endedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await json(join(runDir, 'params.json'))).toEqual({ model: { lr: 0.1, layers: 2 } });
    expect(await json(join(runDir, 'tags.json'))).toEqual({ who: 'me' });
    expect(await lines(join(runDir, 'actions.jsonl'))).toEqual([{ instanceId: 'train', dir: 'train' }]);
    expect(await json(join(runDir, 'train', 'params.json'))).toEqual({ lr: 0.1, optimizer: { name: 'adam', beta: 0.9 } });
    expect(await lines(join(runDir, 'train', 'metrics.jsonl'))).toEqual([
      { name: 'loss', value: 1, step: 0, timestamp: 10 },
      { name: 'loss', value: 0.5, step: 1, timestamp: 11 },
    ]);
    const [artifact] = await lines(join(runDir, 'train', 'artifacts.jsonl'));
    expect(artifact).toMatchObject({ direction: 'output', ref: ref('train.model', 'd1') });
    expect(await json(join(runDir, 'train', 'tags.json'))).toEqual({ stage: 'fit' });
    expect(await json(join(runDir, 'train', 'status.json'))).toMatchObject({ status: 'failed', durationMs: 42, error: 'ValueError: boom' });
  });

  it('records cached instances as one line each in cached.jsonl (no folder), or in folders with cachedActionFiles', async () => {
    for (const cachedActionFiles of [false, true]) {
      const runDir = tmp.path(`cached-${cachedActionFiles}`);
      const t = fileTracker({ cachedActionFiles });
      await t.startRun(runInfo(runDir));
      for (let i = 0; i < 3; i++) {
        const id = `sim[sim=${i}]`;
        await t.startAction(actionInfo(runDir, id, { cached: true, params: { sim: i }, partition: { sim: i } }));
        await t.logArtifact({ runId: 'r1', instanceId: id }, ref('sim.map', `m${i}`), 'output');
        await t.endAction({ runId: 'r1', instanceId: id }, { status: 'cached', durationMs: 0 });
      }
      await t.endRun({ runId: 'r1' }, { status: 'succeeded', durationMs: 1 });
      await t.close();
      const names = (await readdir(runDir)).sort();
      if (cachedActionFiles) expect(names).toEqual(['actions.jsonl', 'params.json', 'sim[sim=0]', 'sim[sim=1]', 'sim[sim=2]', 'tags.json', 'tracker.json']);
      else expect(names).toEqual(['cached.jsonl', 'params.json', 'tags.json', 'tracker.json']);
      const back = await readFileTracker(runDir);
      expect(Object.keys(back.actions)).toEqual(['sim[sim=0]', 'sim[sim=1]', 'sim[sim=2]']);
      expect(back.actions['sim[sim=2]']).toMatchObject({ status: 'cached', params: { sim: 2 }, artifacts: [{ direction: 'output', name: 'sim.map', digest: 'm2' }], record: { cached: true, partition: { sim: 2 } } });
      expect(back.actions['sim[sim=2]']!.dir).toBe(join(runDir, 'sim[sim=2]'));
    }
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

  it('gives an action that was never started a folder under the run, and an action dir outside the run an absolute index entry', async () => {
    const runDir = tmp.path('odd');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    await t.logMetrics({ runId: 'r1', instanceId: 'late[a=b c]' }, [{ name: 'x', value: 1, step: 0, timestamp: 0 }]);
    const outside = tmp.path('elsewhere', 'eval');
    await t.startAction(actionInfo(runDir, 'eval', { dir: outside }));
    await t.setTags({ runId: 'r1', instanceId: 'eval' }, { where: 'outside' });
    await t.endAction({ runId: 'r1', instanceId: 'eval' }, { status: 'ran', durationMs: 1 });
    await t.close();
    expect(await lines(join(runDir, 'actions.jsonl'))).toEqual([
      { instanceId: 'late[a=b c]', dir: 'late[a=b_c]' },
      { instanceId: 'eval', dir: outside },
    ]);
    const back = await readFileTracker(runDir);
    expect(back.actions['late[a=b c]']!.metrics).toHaveLength(1);
    expect(back.actions.eval!.tags).toEqual({ where: 'outside' });
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
});
