import { appendFile, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTracker, readFileTracker, readMetrics } from '../src/index.js';

async function runOnce(options = {}) {
  const runDir = await mkdtemp(join(tmpdir(), 'aero-ft-'));
  const t = fileTracker(options);
  await t.startRun({ runId: 'r1', project: 'p', runName: 'r1', startedAt: '2026-01-01T00:00:00Z', params: { train: { lr: 0.1 } }, tags: { who: 'me' }, runDir, dev: false });
  await t.startAction({ runId: 'r1', instanceId: 'train', action: 'train', cacheKey: 'k1', params: { lr: 0.1 }, dir: join(runDir, 'train'), cached: false });
  await t.logMetrics({ runId: 'r1', instanceId: 'train' }, [{ name: 'loss', value: 1, step: 0, timestamp: 1 }, { name: 'loss', value: 0.5, step: 1, timestamp: 2 }]);
  await t.endAction({ runId: 'r1', instanceId: 'train' }, { status: 'ran', durationMs: 5 });
  await t.startAction({ runId: 'r1', instanceId: 'sim[k=1]', action: 'sim', cacheKey: 'k2', params: {}, dir: join(runDir, 'sim[k=1]'), cached: true });
  await t.endAction({ runId: 'r1', instanceId: 'sim[k=1]' }, { status: 'cached', durationMs: 0 });
  await t.endRun({ runId: 'r1' }, { status: 'succeeded', durationMs: 9 });
  return runDir;
}

describe('@aero/tracker-file', () => {
  it('writes tracker.json per run and per action, and metrics.jsonl per action', async () => {
    const runDir = await runOnce();
    expect((await readdir(runDir)).sort()).toEqual(['tracker.json', 'train']);
    const run = JSON.parse(await readFile(join(runDir, 'tracker.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'succeeded', params: { train: { lr: 0.1 } }, tags: { who: 'me' } });
    expect(Object.keys(run.cached)).toEqual(['sim[k=1]']);
    const lines = (await readFile(join(runDir, 'train/metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ name: 'loss', value: 1, step: 0, timestamp: 1 }, { name: 'loss', value: 0.5, step: 1, timestamp: 2 }]);
    const back = await readFileTracker(runDir);
    expect(back.actions.train!.status).toBe('ran');
    expect(back.actions['sim[k=1]']!.status).toBe('cached');
  });

  it('cachedActionFiles writes a folder for cached instances too', async () => {
    const runDir = await runOnce({ cachedActionFiles: true });
    expect((await readdir(runDir)).sort()).toEqual(['sim[k=1]', 'tracker.json', 'train']);
  });

  it('skips a metrics line torn by a crash', async () => {
    const runDir = await runOnce();
    await appendFile(join(runDir, 'train/metrics.jsonl'), '{"name":"loss","val');
    expect(await readMetrics(join(runDir, 'train/metrics.jsonl'))).toHaveLength(2);
  });

  it('rejects unknown options with a dot-path message', () => {
    expect(() => fileTracker({ dir: 'x' } as never)).toThrow("Invalid options for fileTracker():\n  - fileTracker: `(options)`: Unrecognized key: \"dir\"");
  });
});
