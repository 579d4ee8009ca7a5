import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ATOMIC_TEMP_PREFIX, atomicTempPath, publishTemp, writeAtomic, writeAtomicSync } from '../src/util/atomic-write.js';
import { writeFileAtomic, writeFileAtomicWith } from '../src/util/fs.js';

const child = join(__dirname, 'atomic-write', 'child.mjs');
const run = promisify(execFile);

async function fresh(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'aero-atomic-'));
}

/** A fresh folder and the path of a file `f` in it. */
async function freshFile(): Promise<{ dir: string; target: string }> {
  const dir = await fresh();
  return { dir, target: join(dir, 'f') };
}

/** Names in `dir` that are aero temp files. */
async function temps(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith(ATOMIC_TEMP_PREFIX));
}

describe('writeAtomic / writeAtomicSync', () => {
  it('writes text, bytes, chunks and a fill function, with the mode asked for, and creates the missing folder', async () => {
    const dir = await fresh();
    expect(await writeAtomic(join(dir, 'a', 'b', 'text'), 'héllo', { mode: 0o444 })).toBe(true);
    await writeAtomic(join(dir, 'bytes'), new Uint8Array([1, 2, 3]));
    await writeAtomic(join(dir, 'chunks'), Readable.from([Buffer.from('ab'), 'cd', new Uint8Array([101])]));
    await writeAtomic(join(dir, 'filled'), async (handle, tmp) => {
      expect(tmp.startsWith(join(dir, ATOMIC_TEMP_PREFIX))).toBe(true);
      await handle.write('at offset 3', 3);
    });
    expect(writeAtomicSync(join(dir, 'c', 'sync'), 'small', { mode: 0o600 })).toBe(true);
    expect(await readFile(join(dir, 'a', 'b', 'text'), 'utf8')).toBe('héllo');
    expect([...(await readFile(join(dir, 'bytes')))]).toEqual([1, 2, 3]);
    expect(await readFile(join(dir, 'chunks'), 'utf8')).toBe('abcde');
    expect((await readFile(join(dir, 'filled'))).subarray(3).toString()).toBe('at offset 3');
    expect(await readFile(join(dir, 'c', 'sync'), 'utf8')).toBe('small');
    expect((await stat(join(dir, 'a', 'b', 'text'))).mode & 0o777).toBe(0o444);
    expect((await stat(join(dir, 'c', 'sync'))).mode & 0o777).toBe(0o600);
    for (const d of [dir, join(dir, 'a', 'b'), join(dir, 'c')]) expect(await temps(d)).toEqual([]);
  });

  it('replaces an existing file, durably too', async () => {
    const { dir, target } = await freshFile();
    await writeFile(target, 'old');
    expect(await writeAtomic(target, 'new async', { durable: true })).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('new async');
    expect(writeAtomicSync(target, 'new sync', { durable: true })).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('new sync');
    expect(await temps(dir)).toEqual([]);
  });

  it('a body that fails half-way leaves the old file as it was and no temp file', async () => {
    const { dir, target } = await freshFile();
    await writeFile(target, 'old');
    await expect(
      writeAtomic(target, async (handle) => {
        await handle.write('half of the new ');
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
    async function* failing() {
      yield 'some bytes';
      throw new Error('connection reset');
    }
    await expect(writeAtomic(target, failing(), { durable: true })).rejects.toThrow('connection reset');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await temps(dir)).toEqual([]);
  });

  it('a publish that fails (a folder where the file goes) leaves the folder as it was and no temp file', async () => {
    const dir = await fresh();
    const target = join(dir, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'kept');
    await expect(writeAtomic(target, 'x')).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/) });
    expect(() => writeAtomicSync(target, 'x')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    await expect(writeAtomic(target, 'x', { ifAbsent: true })).rejects.toThrow(`EISDIR: ${target} is a directory`);
    expect(() => writeAtomicSync(target, 'x', { ifAbsent: true })).toThrow(`EISDIR: ${target} is a directory`);
    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('kept');
    expect(await temps(dir)).toEqual([]);
  });

  it('createDir: false reports a missing folder instead of creating it', async () => {
    const dir = await fresh();
    await expect(writeAtomic(join(dir, 'missing', 'f'), 'x', { createDir: false })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => writeAtomicSync(join(dir, 'missing', 'f'), 'x', { createDir: false })).toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('ifAbsent writes only a missing file: a present one is kept and the call says false', async () => {
    const { dir, target } = await freshFile();
    expect(await writeAtomic(target, 'first', { ifAbsent: true })).toBe(true);
    expect(await writeAtomic(target, 'second', { ifAbsent: true, durable: true })).toBe(false);
    expect(writeAtomicSync(target, 'third', { ifAbsent: true })).toBe(false);
    expect(await readFile(target, 'utf8')).toBe('first');
    expect(await temps(dir)).toEqual([]);
  });

  it('ifAbsent with 12 concurrent writers in one process: exactly one wins, its bytes whole', async () => {
    const { dir, target } = await freshFile();
    const bodies = Array.from({ length: 12 }, (_, i) => `writer ${i} `.repeat(5000 + i));
    const results = await Promise.all(bodies.map((body) => writeAtomic(target, body, { ifAbsent: true })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await readFile(target, 'utf8')).toBe(bodies[results.indexOf(true)]);
    expect(await temps(dir)).toEqual([]);
  });

  it('ifAbsent with 4 writer processes starting at the same moment: exactly one wins, its bytes whole', { timeout: 60_000 }, async () => {
    const { dir, target } = await freshFile();
    const goAt = Date.now() + 3000; // after every process has loaded the module
    const outs = await Promise.all([0, 1, 2, 3].map((i) => run(process.execPath, [child, 'race', target, `process ${i}`, String(goAt)]).then((r) => r.stdout)));
    expect(outs.filter((o) => o === 'won')).toHaveLength(1);
    expect(outs.filter((o) => o === 'lost')).toHaveLength(3);
    expect(await readFile(target, 'utf8')).toBe(`process ${outs.indexOf('won')}`);
    expect(await temps(dir)).toEqual([]);
  });

  it('a writer killed with -9 mid-write leaves the old file intact (its temp carries the prefix gc removes)', { timeout: 60_000 }, async () => {
    const { dir, target } = await freshFile();
    await writeFile(target, 'old');
    const proc = spawn(process.execPath, [child, 'hang', target, 'new bytes'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => proc.stdout.once('data', () => resolve()));
    const exited = new Promise((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await readFile(target, 'utf8')).toBe('old');
    const left = await temps(dir);
    expect(left).toHaveLength(1);
    expect(await readFile(join(dir, left[0]!), 'utf8')).toBe('new bytes');
  });

  it('temp names are unique within a process and across processes', { timeout: 60_000 }, async () => {
    const dir = await fresh();
    const mine = Array.from({ length: 1000 }, () => atomicTempPath(dir));
    const theirs = await Promise.all([0, 1].map(() => run(process.execPath, [child, 'temps', dir, '']).then((r) => r.stdout.split('\n'))));
    const all = [...mine, ...theirs.flat()];
    expect(all).toHaveLength(1200);
    expect(new Set(all).size).toBe(1200);
    for (const name of all) expect(name.startsWith(join(dir, ATOMIC_TEMP_PREFIX))).toBe(true);
    expect(atomicTempPath(dir, '.other-').startsWith(join(dir, '.other-'))).toBe(true);
  });
});

describe('publishTemp', () => {
  it('moves a temp from another folder into place, creating the target folder; the temp name goes', async () => {
    const dir = await fresh();
    mkdirSync(join(dir, 'tmp'));
    const tmp = join(dir, 'tmp', 'x');
    await writeFile(tmp, 'bytes');
    expect(await publishTemp(tmp, join(dir, 'objects', 'ab', 'f'), { durable: true })).toBe(true);
    expect(await readFile(join(dir, 'objects', 'ab', 'f'), 'utf8')).toBe('bytes');
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('ifAbsent on a present target: false, the target kept, the temp removed', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'f'), 'old');
    await writeFile(join(dir, 't'), 'new');
    expect(await publishTemp(join(dir, 't'), join(dir, 'f'), { ifAbsent: true })).toBe(false);
    expect(await readFile(join(dir, 'f'), 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['f']);
  });
});

describe('writeFileAtomic / writeFileAtomicWith (the older names)', () => {
  it('write through the same helper: whole files, no temp left after a failure', async () => {
    const dir = await fresh();
    await writeFileAtomic(join(dir, 'sub', 'a'), 'text');
    await writeFileAtomicWith(join(dir, 'b'), async (fh) => void (await fh.writeFile('filled')));
    await expect(writeFileAtomicWith(join(dir, 'a2'), async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await readFile(join(dir, 'sub', 'a'), 'utf8')).toBe('text');
    expect(await readFile(join(dir, 'b'), 'utf8')).toBe('filled');
    expect((await readdir(dir)).sort()).toEqual(['b', 'sub']);
  });
});
