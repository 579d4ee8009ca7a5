import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineConfig, listRuns } from '../src/index.js';
import { isSegmentKey, parseSegment } from '../src/run/journal.js';
import { crashPipeline } from './crash/killed-run.js';
import { dirStore } from './dir-store.js';
import { jsonHandler } from './fixtures.js';

const TOTAL = 60;
const FAST = 40;

async function runIn(dir: string) {
  await mkdir(join(dir, 'done'), { recursive: true });
  const aero = await createAero({ cwd: dir, config: defineConfig({ actions: crashPipeline(dir, TOTAL, FAST), concurrency: 8, plugins: [dirStore(join(dir, '.aero')), jsonHandler()] }) });
  return aero.run();
}

describe('a run killed with -9 mid-way', () => {
  it('leaves a store the next run trusts: what was journaled is cached, the rest reruns, digests as in a clean run', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aero-crash-'));
    await mkdir(join(dir, 'done'), { recursive: true });
    const child = spawn(process.execPath, [join(__dirname, 'crash', 'start.mjs'), dir, String(TOTAL), String(FAST)], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // All fast instances are done and the slow ones are waiting: kill -9.
    for (let i = 0; i < 3000 && readdirSync(join(dir, 'done')).length < FAST; i++) await new Promise((r) => setTimeout(r, 10));
    expect(readdirSync(join(dir, 'done'))).toHaveLength(FAST);
    // While the slow ones wait, the journal is idle: the entries of the fast ones get written.
    const store = dirStore(join(dir, '.aero'));
    const journaled = async () => {
      let n = 0;
      for await (const key of store.list('runs/')) if (isSegmentKey(key)) n += parseSegment(await store.getBytes(key))?.length ?? 0;
      return n;
    };
    for (let i = 0; i < 500 && (await journaled()) < FAST; i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await journaled()).toBe(FAST);
    // Every file under a journal folder is a whole segment (no temp file under a real name).
    for await (const key of store.list('runs/')) if (key.includes('/journal/')) expect(parseSegment(await store.getBytes(key))).toBeDefined();

    // aero ps and aero show read what the journal says the killed run finished.
    const viewer = await createAero({ cwd: dir, config: defineConfig({ actions: crashPipeline(dir, TOTAL, FAST), plugins: [dirStore(join(dir, '.aero')), jsonHandler()] }) });
    const [killed] = await listRuns(viewer);
    await viewer.close();
    expect(killed!.status).toBe('interrupted');
    expect(killed!.counts.ran).toBe(FAST);
    expect(killed!.actions.filter((a) => a.status === 'ran')).toHaveLength(FAST);
    expect(killed!.actions.filter((a) => a.status === 'pending')).toHaveLength(TOTAL - FAST);

    await writeFile(join(dir, 'go'), '');
    const next = await runIn(dir);
    expect(next.status).toBe('succeeded');
    expect(next.counts).toMatchObject({ cached: FAST, ran: TOTAL - FAST });
    expect(existsSync(join(dir, '.aero', 'runs', readdirSync(join(dir, '.aero', 'runs')).find((id) => id !== next.runId)!, '.scratch'))).toBe(false);

    const clean = await mkdtemp(join(tmpdir(), 'aero-clean-'));
    await writeFile(join(clean, 'go'), '');
    const reference = await runIn(clean);
    expect(next.record.actions.map((a) => [a.id, a.outputs])).toEqual(reference.record.actions.map((a) => [a.id, a.outputs]));
    const referenceOutputs = new Map(reference.record.actions.map((a) => [a.id, a.outputs]));
    for (const a of killed!.actions.filter((a) => a.status === 'ran')) expect(a.outputs).toEqual(referenceOutputs.get(a.id));
  });
});
