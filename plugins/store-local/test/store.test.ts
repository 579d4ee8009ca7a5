import { existsSync } from 'node:fs';
import { chmod, lstat, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { localStore } from '../src/index.js';
import { useTempDir } from '@aeroml/test-utils';

const tmp = useTempDir('aero-store-local-');
const collect = async (it: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out.sort();
};

describe('layout', () => {
  it('maps keys to files under <cwd>/.aero by default', async () => {
    const store = localStore({ cwd: tmp.path('project') });
    expect(store.localRoot).toBe(tmp.path('project', '.aero'));
    const hex = 'ab'.padEnd(64, '0');
    await store.put(`objects/sha256/ab/${hex}`, 'blob');
    await store.put('runs/r1/run.json', '{}');
    expect(await readFile(tmp.path('project', '.aero', 'objects', 'sha256', 'ab', hex), 'utf8')).toBe('blob');
    expect(await readFile(tmp.path('project', '.aero', 'runs', 'r1', 'run.json'), 'utf8')).toBe('{}');
  });

  it('resolves a relative dir against cwd and keeps an absolute dir', () => {
    expect(localStore({ cwd: '/p/q', dir: 'state' }).localRoot).toBe('/p/q/state');
    expect(localStore({ cwd: '/p/q', dir: '/abs/store/' }).localRoot).toBe('/abs/store');
    expect(localStore({ dir: 'rel' }).localRoot).toBe(resolve(process.cwd(), 'rel'));
  });

  it('creates blobs under objects/ read-only (0444) and other keys 0644', async () => {
    const store = localStore({ dir: tmp.path('modes') });
    await store.put('objects/sha256/00/x', 'a');
    await store.put('cache/k.json', 'b');
    expect((await stat(tmp.path('modes', 'objects', 'sha256', '00', 'x'))).mode & 0o777).toBe(0o444);
    expect((await stat(tmp.path('modes', 'cache', 'k.json'))).mode & 0o222).not.toBe(0);
    // putFile from an executable source does not carry the mode over.
    await writeFile(tmp.path('script.sh'), '#!/bin/sh\n');
    await chmod(tmp.path('script.sh'), 0o755);
    await store.putFile!('objects/sha256/00/y', tmp.path('script.sh'));
    await store.putFile!('runs/r/script.sh', tmp.path('script.sh'));
    expect((await stat(tmp.path('modes', 'objects', 'sha256', '00', 'y'))).mode & 0o777).toBe(0o444);
    expect((await stat(tmp.path('modes', 'runs', 'r', 'script.sh'))).mode & 0o777).toBe(0o644);
    // A read-only blob can still be replaced and deleted through the store.
    await store.put('objects/sha256/00/x', 'replaced');
    expect(Buffer.from((await store.getBytes('objects/sha256/00/x'))!).toString()).toBe('replaced');
    await store.delete('objects/sha256/00/x');
    expect(await store.has('objects/sha256/00/x')).toBe(false);
  });

  it('getFile writes an ordinary writable file (not a read-only blob) and leaves no temp file', async () => {
    const store = localStore({ dir: tmp.path('getfile') });
    await store.put('objects/sha256/11/z', 'content');
    const dest = tmp.path('getfile-out', 'sub', 'z.bin');
    expect(await store.getFile!('objects/sha256/11/z', dest)).toBe(true);
    expect((await stat(dest)).mode & 0o777).toBe(0o644);
    expect(await readdir(tmp.path('getfile-out', 'sub'))).toEqual(['z.bin']);
  });

  it('treats a directory as no key: has/get/getBytes/getFile say absent, delete is a no-op', async () => {
    const store = localStore({ dir: tmp.path('dirs') });
    await store.put('a/b/c.json', '1');
    expect(await store.has('a/b')).toBe(false);
    expect(await store.get('a/b')).toBeNull();
    expect(await store.getBytes('a/b')).toBeNull();
    expect(await store.getFile!('a/b', tmp.path('dirs-out'))).toBe(false);
    await store.delete('a/b');
    expect(await store.has('a/b/c.json')).toBe(true);
    // A key below a file is absent too.
    expect(await store.has('a/b/c.json/d')).toBe(false);
    expect(await store.getBytes('a/b/c.json/d')).toBeNull();
  });

  it('lists keys through symlinked directories and skips other entries', async () => {
    const store = localStore({ dir: tmp.path('links') });
    await store.put('real/x.json', 'x');
    const { symlink } = await import('node:fs/promises');
    await symlink(tmp.path('links', 'real'), tmp.path('links', 'alias'));
    expect(await collect(store.list(''))).toEqual(['alias/x.json', 'real/x.json']);
  });

  it('does not list through a symlink out of the store, nor one back up its own path (a loop)', async () => {
    const store = localStore({ dir: tmp.path('escape', 'store') });
    await store.put('runs/r/a/work/out/kept.txt', 'k');
    await writeFile(tmp.path('escape', 'outside.txt'), 'not a key');
    const { symlink } = await import('node:fs/promises');
    // A failed action's kept work folder with a link to the project, and one to the store itself.
    await symlink(tmp.path('escape'), tmp.path('escape', 'store', 'runs', 'r', 'a', 'work', 'out', 'project'));
    await symlink(tmp.path('escape', 'store'), tmp.path('escape', 'store', 'runs', 'r', 'a', 'work', 'out', 'loop'));
    expect(await collect(store.list(''))).toEqual(['runs/r/a/work/out/kept.txt']);
    expect(await collect(store.list('runs/r/a/work/out/'))).toEqual(['runs/r/a/work/out/kept.txt']);
    expect(await collect(store.list('runs/r/a/work/out/l'))).toEqual([]);
  });

  it('durable: true fsyncs and still round-trips', async () => {
    const store = localStore({ dir: tmp.path('durable'), durable: true });
    expect(await store.put('runs/r/run.json', '{"a":1}')).toEqual({ written: true });
    expect(await store.put('objects/sha256/aa/b', Readable.from([Buffer.from('s')]), { ifAbsent: true })).toEqual({ written: true });
    await writeFile(tmp.path('src.bin'), 'file');
    expect(await store.putFile!('objects/sha256/aa/c', tmp.path('src.bin'))).toEqual({ written: true });
    expect(Buffer.from((await store.getBytes('objects/sha256/aa/c'))!).toString()).toBe('file');
  });

  it('an ifAbsent put on an existing key does not consume or write its stream body', async () => {
    const store = localStore({ dir: tmp.path('skip') });
    await store.put('objects/sha256/00/k', 'first');
    let pulled = 0;
    const body = new Readable({
      read() {
        pulled++;
        this.push(null);
      },
    });
    expect(await store.put('objects/sha256/00/k', body, { ifAbsent: true })).toEqual({ written: false });
    expect(pulled).toBe(0);
    expect(body.destroyed).toBe(true);
  });

  it('handles a mkdir race: many writers creating the same new directory', async () => {
    const store = localStore({ dir: tmp.path('mkdir-race') });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.put(`deep/new/dir/${i}.json`, String(i))));
    expect(results.every((r) => r.written)).toBe(true);
    expect((await collect(store.list('deep/new/dir/'))).length).toBe(50);
    expect((await lstat(tmp.path('mkdir-race', 'deep', 'new', 'dir'))).isDirectory()).toBe(true);
  });
});

describe('gc', () => {
  it('removes only temp files older than olderThanMs; dryRun lists them without removing', async () => {
    const store = localStore({ dir: tmp.path('gc') });
    await store.put('objects/sha256/aa/keep', 'k');
    const stale = tmp.path('gc', 'objects', 'sha256', 'aa', '.aero-tmp-dead-1');
    await writeFile(stale, 'partial');
    const { utimes } = await import('node:fs/promises');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(stale, old, old);
    await writeFile(tmp.path('gc', 'objects', 'sha256', 'aa', '.aero-tmp-live-2'), 'in flight');
    expect(await store.gc!({ dryRun: true, olderThanMs: 60_000 })).toEqual({ removed: ['objects/sha256/aa/.aero-tmp-dead-1'] });
    expect(await readdir(tmp.path('gc', 'objects', 'sha256', 'aa'))).toHaveLength(3);
    expect(await store.gc!({ dryRun: false, olderThanMs: 60_000 })).toEqual({ removed: ['objects/sha256/aa/.aero-tmp-dead-1'] });
    expect((await readdir(tmp.path('gc', 'objects', 'sha256', 'aa'))).sort()).toEqual(['.aero-tmp-live-2', 'keep']);
    expect(await collect(store.list(''))).toEqual(['objects/sha256/aa/keep']);
    expect((await store.gc!({ dryRun: true, olderThanMs: 60_000 })).removed).toEqual([]);
  });

  it('on a store directory that does not exist yet finds nothing', async () => {
    expect(await localStore({ dir: tmp.path('never-created') }).gc!({ dryRun: false, olderThanMs: 0 })).toEqual({ removed: [] });
    expect(await collect(localStore({ dir: tmp.path('never-created') }).list(''))).toEqual([]);
  });
});

describe('many keys', () => {
  it('hasMany answers thousands of keys in order (across event-loop slices)', async () => {
    const store = localStore({ dir: tmp.path('many') });
    const present = Array.from({ length: 600 }, (_, i) => `objects/sha256/${(i % 16).toString(16).padStart(2, '0')}/k${i}`);
    await Promise.all(present.map((k) => store.put(k, k)));
    const asked = present.flatMap((k) => [k, `${k}-missing`]);
    const answer = await store.hasMany!(asked);
    expect(answer.filter(Boolean)).toHaveLength(600);
    expect(answer).toEqual(asked.map((_, i) => i % 2 === 0));
  });

  it('hasMany lists a directory once when asked about many of its entries, and still says no for a directory of that name', async () => {
    const store = localStore({ dir: tmp.path('listed') });
    const keys = Array.from({ length: 40 }, (_, i) => `objects/sha256/ab/k${i}`);
    await Promise.all(keys.slice(0, 30).map((k) => store.put(k, k)));
    await store.put('objects/sha256/ab/dir/inner', 'x'); // `objects/sha256/ab/dir` is a directory, not a key
    const asked = [...keys, 'objects/sha256/ab/dir', 'objects/sha256/zz/none', 'objects/sha256/ab/dir/inner'];
    expect(await store.hasMany!(asked)).toEqual([...keys.map((_, i) => i < 30), false, false, true]);
  });
});

describe('putFile with handOver', () => {
  it('takes the file by hard link (no copy) and makes it read-only', async () => {
    const store = localStore({ dir: tmp.path('hand') });
    const src = tmp.path('hand-src.bin');
    await writeFile(src, 'output bytes');
    expect(await store.putFile!('objects/sha256/cd/x', src, { ifAbsent: true, handOver: true })).toEqual({ written: true });
    const blob = tmp.path('hand', 'objects', 'sha256', 'cd', 'x');
    expect((await stat(blob)).ino).toBe((await stat(src)).ino);
    expect((await stat(blob)).mode & 0o777).toBe(0o444);
    expect(await readFile(blob, 'utf8')).toBe('output bytes');
    // Present already: not written, the store's file untouched.
    await writeFile(tmp.path('hand-other.bin'), 'other');
    expect(await store.putFile!('objects/sha256/cd/x', tmp.path('hand-other.bin'), { ifAbsent: true, handOver: true })).toEqual({ written: false });
    expect(await readFile(blob, 'utf8')).toBe('output bytes');
  });

  it('moves a file handed over under its digest (sha256 given, ifAbsent): one rename, the file is gone from its path', async () => {
    const store = localStore({ dir: tmp.path('hand-move') });
    const src = tmp.path('hand-move-src.bin');
    await writeFile(src, 'moved bytes');
    const ino = (await stat(src)).ino;
    expect(await store.putFile!('objects/sha256/aa/m', src, { ifAbsent: true, handOver: true, sha256: 'aa'.repeat(32) })).toEqual({ written: true, moved: true });
    const blob = tmp.path('hand-move', 'objects', 'sha256', 'aa', 'm');
    expect(existsSync(src)).toBe(false);
    expect((await stat(blob)).ino).toBe(ino);
    expect((await stat(blob)).mode & 0o777).toBe(0o444);
    expect(await readFile(blob, 'utf8')).toBe('moved bytes');
    // Present already: not written, not moved, the handed-over file stays where it was for its owner to remove.
    const again = tmp.path('hand-move-again.bin');
    await writeFile(again, 'moved bytes');
    expect(await store.putFile!('objects/sha256/aa/m', again, { ifAbsent: true, handOver: true, sha256: 'aa'.repeat(32) })).toEqual({ written: false });
    expect(existsSync(again)).toBe(true);
    // A file with another name is neither moved nor linked but copied: the action may keep writing through it.
    const { link } = await import('node:fs/promises');
    const shared = tmp.path('hand-move-shared.bin');
    await writeFile(shared, 'shared bytes');
    await link(shared, tmp.path('hand-move-alias.bin'));
    expect(await store.putFile!('objects/sha256/bb/s', shared, { ifAbsent: true, handOver: true, sha256: 'bb'.repeat(32) })).toEqual({ written: true });
    expect(existsSync(shared)).toBe(true);
    expect((await stat(tmp.path('hand-move', 'objects', 'sha256', 'bb', 's'))).ino).not.toBe((await stat(shared)).ino);
  });

  it('copies a file that has other names (the action may keep writing through them) and a plain put that replaces', async () => {
    const { link } = await import('node:fs/promises');
    const store = localStore({ dir: tmp.path('hand2') });
    const src = tmp.path('hand2-src.bin');
    await writeFile(src, 'shared');
    await link(src, tmp.path('hand2-alias.bin'));
    await store.putFile!('objects/sha256/ef/y', src, { ifAbsent: true, handOver: true });
    const blob = tmp.path('hand2', 'objects', 'sha256', 'ef', 'y');
    expect((await stat(blob)).ino).not.toBe((await stat(src)).ino);
    expect((await stat(src)).mode & 0o222).not.toBe(0); // the user's file keeps its mode
    await writeFile(tmp.path('hand2-new.bin'), 'newer');
    expect(await store.putFile!('objects/sha256/ef/y', tmp.path('hand2-new.bin'), { handOver: true })).toEqual({ written: true });
    expect(await readFile(blob, 'utf8')).toBe('newer');
  });
});
