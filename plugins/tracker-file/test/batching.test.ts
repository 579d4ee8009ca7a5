import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileTracker, readFileTracker } from '../src/index.js';
import { rejection, requireBuilt, useTempDir } from '@aeroml/test-utils';
import { actionInfo, packageDir, runInfo } from './helpers.js';

const tmp = useTempDir('aero-tracker-file-batch-');
requireBuilt(packageDir, 'plugins/tracker-file');
const logText = async (runDir: string) => (existsSync(join(runDir, 'actions.jsonl')) ? readFile(join(runDir, 'actions.jsonl'), 'utf8') : '');
const events = async (runDir: string) => (await logText(runDir)).trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l).event as string);

afterEach(() => {
  vi.useRealTimers();
});

describe('the event log is written in batches', () => {
  it('queues events until eventBatchMs has passed, then writes them with one append', async () => {
    vi.useFakeTimers();
    const runDir = tmp.path('timer');
    const t = fileTracker({ eventBatchMs: 100 });
    await t.startRun(runInfo(runDir));
    await t.startAction(actionInfo(runDir, 'a'));
    await t.endAction({ runId: 'r1', instanceId: 'a' }, { status: 'ran', durationMs: 1 });
    // The log is opened by the first event (so a log that cannot be opened fails that call), but nothing is written yet.
    expect(await logText(runDir)).toBe('');
    vi.advanceTimersByTime(100);
    expect(await events(runDir)).toEqual(['start', 'end']);
    await t.close();
  });

  it('writes a batch that fills its queue at once, and a line larger than the queue by itself, all in call order', async () => {
    vi.useFakeTimers();
    const runDir = tmp.path('full-queue');
    const t = fileTracker({ eventBatchMs: 60_000 });
    await t.startRun(runInfo(runDir));
    // Multi-byte params (3 bytes per unit in UTF-8), so the queue fills by bytes, not units.
    const wide = '€'.repeat(2_000);
    for (let i = 0; i < 100; i++) await t.startAction(actionInfo(runDir, `a${i}`, { params: { wide } }));
    // 100 lines of ~6 KB each overflow a 256 KiB queue: the first batches are written without the timer.
    const early = await events(runDir);
    expect(early.length).toBeGreaterThan(0);
    expect(early.length).toBeLessThan(100);
    // A line larger than a whole queue: what is queued first, then the line itself.
    const huge = 'x'.repeat(300_000);
    await t.startAction(actionInfo(runDir, 'huge', { params: { huge } }));
    await t.startAction(actionInfo(runDir, 'after'));
    await t.close();
    const lines = (await logText(runDir)).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.instanceId)).toEqual([...Array.from({ length: 100 }, (_, i) => `a${i}`), 'huge', 'after']);
    expect(lines.slice(0, 100).every((l) => l.params.wide === wide)).toBe(true);
    expect(lines[100].params.huge).toHaveLength(300_000);
  });

  it('flush, endRun and close write what is queued; an instance\'s first metrics batch writes its events first', async () => {
    const runDir = tmp.path('flush');
    const t = fileTracker({ eventBatchMs: 60_000 });
    await t.startRun(runInfo(runDir));
    await t.startAction(actionInfo(runDir, 'a'));
    expect(await events(runDir)).toEqual([]);
    await t.flush();
    expect(await events(runDir)).toEqual(['start']);
    await t.startAction(actionInfo(runDir, 'b'));
    await t.logMetrics({ runId: 'r1', instanceId: 'b' }, [{ name: 'loss', value: 1, step: 0, timestamp: 1 }]);
    // On disk, the log names b's metrics file before b's first point is in it.
    expect(await events(runDir)).toEqual(['start', 'start', 'metrics']);
    await t.endAction({ runId: 'r1', instanceId: 'b' }, { status: 'ran', durationMs: 1 });
    await t.endRun({ runId: 'r1' }, { status: 'succeeded', durationMs: 2 });
    expect(await events(runDir)).toEqual(['start', 'start', 'metrics', 'end']);
    const back = await readFileTracker(runDir);
    expect(back.run.status).toBe('succeeded');
    expect(back.actions.b!.metrics).toHaveLength(1);
    await t.startAction(actionInfo(runDir, 'c'));
    await t.close();
    expect(await events(runDir)).toEqual(['start', 'start', 'metrics', 'end', 'start']);
  });

  it('eventBatchMs: 0 writes each event when it is logged', async () => {
    const runDir = tmp.path('unbatched');
    const t = fileTracker({ eventBatchMs: 0 });
    await t.startRun(runInfo(runDir));
    await t.startAction(actionInfo(runDir, 'a'));
    expect(await events(runDir)).toEqual(['start']);
    await t.close();
  });

  it('a process that exits without close still writes its queued events', async () => {
    const runDir = tmp.path('exit');
    execFileSync(process.execPath, [join(packageDir, 'test', 'fixtures', 'exit-without-close.mjs'), runDir]);
    expect(await events(runDir)).toEqual(['start', 'end']);
  });

  it('FILE_TRACKER_WRITE_FAILED from flush names the log; a failed background batch is reported by the next call', async () => {
    const runDir = tmp.path('full');
    const t = fileTracker({ eventBatchMs: 100 });
    await t.startRun(runInfo(runDir));
    // /dev/full opens, and every write to it fails with ENOSPC.
    await symlink('/dev/full', join(runDir, 'actions.jsonl'));
    await t.startAction(actionInfo(runDir, 'a'));
    const e = await rejection(t.flush());
    expect(e.code).toBe('FILE_TRACKER_WRITE_FAILED');
    expect(e.message).toMatch(new RegExp(`^file tracker: cannot write ${join(runDir, 'actions.jsonl').replace(/[[\]]/g, '\\$&')} \\(events\\): ENOSPC`));
    expect(e.hint).toMatch(/disk is not full/);

    vi.useFakeTimers();
    await t.startAction(actionInfo(runDir, 'b'));
    vi.advanceTimersByTime(100);
    const late = await rejection(t.startAction(actionInfo(runDir, 'c')));
    expect(late.code).toBe('FILE_TRACKER_WRITE_FAILED');
    expect(late.message).toMatch(/\(start of c\): ENOSPC/);
    await t.close();
  });
});
