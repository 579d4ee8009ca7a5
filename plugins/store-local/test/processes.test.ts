import { execFile, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { localStore } from '../src/index.js';
import { requireBuilt, useTempDir } from '@aeroml/test-utils';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const tmp = useTempDir('aero-store-local-');
requireBuilt(packageDir, 'plugins/store-local');
const fixture = (name: string) => join(packageDir, 'test', 'fixtures', name);

/** Runs the slow writer until its first MiB is on disk, then SIGKILLs it. */
async function killMidWrite(dir: string, key: string): Promise<void> {
  const child = spawn(process.execPath, [fixture('slow-writer.mjs'), dir, key], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`writer exited (${code}) before it was killed: ${out}${err}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  expect(await exited).toBeNull();
}

describe('crash safety', () => {
  it('a writer killed mid-write leaves no visible key, and list ignores its temp file', async () => {
    const dir = tmp.path('crash');
    const key = 'objects/sha256/ab/half-written';
    await killMidWrite(dir, key);
    const store = localStore({ dir });
    // The temp file is really there (the scenario happened)…
    const names = await readdir(join(dir, 'objects', 'sha256', 'ab'));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^\.aero-tmp-/);
    // …but it is never visible as the key, nor listed.
    expect(await store.has(key)).toBe(false);
    expect(await store.get(key)).toBeNull();
    expect(await store.getBytes(key)).toBeNull();
    const listed: string[] = [];
    for await (const k of store.list('')) listed.push(k);
    expect(listed).toEqual([]);
    // The key can be written afterwards, and gc removes the leftover.
    expect(await store.put(key, 'whole', { ifAbsent: true })).toEqual({ written: true });
    expect((await store.gc!({ dryRun: false, olderThanMs: 0 })).removed).toEqual([`objects/sha256/ab/${names[0]}`]);
    expect(await readdir(join(dir, 'objects', 'sha256', 'ab'))).toEqual(['half-written']);
  });

  it('a writer killed while replacing a value leaves the old value whole', async () => {
    const dir = tmp.path('crash-replace');
    const store = localStore({ dir });
    await store.put('runs/r1/run.json', '{"status":"running"}');
    await killMidWrite(dir, 'runs/r1/run.json');
    expect(Buffer.from((await store.getBytes('runs/r1/run.json'))!).toString()).toBe('{"status":"running"}');
  });
});

function racer(dir: string, name: string, count: number, startAt: number, via: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [fixture('racer.mjs'), dir, name, String(count), String(startAt), via], { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`racer ${name} failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as string[]);
    });
  });
}

describe('several processes racing put(ifAbsent) on the same keys', () => {
  for (const via of ['put', 'putFile', 'small']) {
    it(`exactly one process wins each key (${via})`, async () => {
      const dir = tmp.path(`race-${via}`);
      const count = via === 'small' ? 1000 : 150;
      const names = ['p', 'q', 'r'];
      // Start together ~1.5 s from now (process start-up takes longer than that on a busy machine, which only delays, never spreads, the start).
      const startAt = Date.now() + 1500;
      const wins = await Promise.all(names.map((n) => racer(dir, n, count, startAt, via)));
      const owner = new Map<string, string>();
      wins.forEach((keys, i) => {
        for (const key of keys) {
          expect(owner.get(key), `${key} won by two processes`).toBeUndefined();
          owner.set(key, names[i]!);
        }
      });
      expect(owner.size).toBe(count);
      const store = localStore({ dir });
      for (const [key, name] of owner) {
        const stored = Buffer.from((await store.getBytes(key))!).toString();
        expect(stored.startsWith(`${name}:${key};`), `${key} holds the winner's value`).toBe(true);
        expect(stored).toHaveLength(via === 'small' ? 2048 : 64 * 1024);
      }
      // No temp files left behind by the losers.
      const listed: string[] = [];
      for await (const k of store.list('')) listed.push(k);
      expect(listed).toHaveLength(count);
      expect((await store.gc!({ dryRun: true, olderThanMs: 0 })).removed).toEqual([]);
    });
  }
});
