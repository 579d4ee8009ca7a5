import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineConfig, gc } from '../src/index.js';
import { dirStore } from './dir-store.js';
import { jsonHandler, squaresPipeline } from './fixtures.js';

const { source, square } = squaresPipeline(() => undefined);

/** A pid that no process has now: a child that already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/** A run folder as a run leaves it: run.json, and a scratch folder with a job's files. */
async function leaveRun(cwd: string, runId: string, record: { status: string; pid: number; host?: string } | undefined) {
  const dir = join(cwd, '.aero', 'runs', runId);
  await mkdir(join(dir, '.scratch', '0', 'in', '0'), { recursive: true });
  await writeFile(join(dir, '.scratch', '0', 'in', '0', 'data.bin'), Buffer.alloc(1024));
  if (record) await writeFile(join(dir, 'run.json'), JSON.stringify({ schema: 1, id: runId, host: hostname(), actions: [], startedAt: '2026-01-01T00:00:00.000Z', ...record }));
  return join(dir, '.scratch');
}

async function project() {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-scratch-'));
  const store = dirStore(join(cwd, '.aero'));
  return { cwd, open: () => createAero({ cwd, config: defineConfig({ actions: [source, square], plugins: [store, jsonHandler()] }) }) };
}

describe('scratch folders of killed runs', () => {
  it('the next run removes them, but never the folder of a run that is still alive', async () => {
    const p = await project();
    const killed = await leaveRun(p.cwd, '20260101-000000-aaaaaa', { status: 'running', pid: deadPid() });
    const finished = await leaveRun(p.cwd, '20260101-000001-bbbbbb', { status: 'succeeded', pid: deadPid() });
    const orphan = await leaveRun(p.cwd, '20260101-000002-cccccc', undefined);
    const alive = await leaveRun(p.cwd, '20260101-000003-dddddd', { status: 'running', pid: process.pid });
    const elsewhere = await leaveRun(p.cwd, '20260101-000004-eeeeee', { status: 'running', pid: deadPid(), host: 'another-host' });
    const summary = await (await p.open()).run();
    expect(summary.status).toBe('succeeded');
    expect([killed, finished, orphan].map(existsSync)).toEqual([false, false, false]);
    // Alive, or on a host whose processes cannot be checked from here: kept.
    expect([alive, elsewhere].map(existsSync)).toEqual([true, true]);
    // The run's own pool is gone too (disposed at its end, as before).
    expect(existsSync(join(p.cwd, '.aero', 'runs', summary.runId, '.scratch'))).toBe(false);
  });

  it('aero gc removes them and reports which (a dry run only reports)', async () => {
    const p = await project();
    await (await p.open()).run();
    const killed = await leaveRun(p.cwd, '20260101-000000-aaaaaa', { status: 'running', pid: deadPid() });
    const dry = await gc(await p.open(), { dryRun: true });
    expect(dry.removedScratch).toEqual(['20260101-000000-aaaaaa']);
    expect(existsSync(killed)).toBe(true);
    const real = await gc(await p.open());
    expect(real.removedScratch).toEqual(['20260101-000000-aaaaaa']);
    expect(existsSync(killed)).toBe(false);
  });
});
