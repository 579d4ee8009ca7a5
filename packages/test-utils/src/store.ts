import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '@aeroml/core';
import { collect, expectIdentity, mapLimit, randomId, readAll } from './util.js';

export type StoreFactory = () => Promise<Store> | Store;

export interface DescribeStoreOptions {
  /**
   * Root of every key the suite writes (default `aero-conformance`). Each test writes
   * under `<prefix>/<suite id>/<test>-<random>/`, so suites can share a bucket.
   */
  prefix?: string;
  /** Size of the value overwritten while readers read it (default 8 MiB). */
  atomicBytes?: number;
  /** Size of the body streamed through `put` and `get` (default 32 MiB). */
  streamBytes?: number;
  /** Concurrent `put(ifAbsent)` calls on one key (default 20). */
  racers?: number;
  /** Timeout of each test in ms (default 120 000). */
  timeout?: number;
  /** Delete every key the suite wrote when it ends (default true). */
  cleanup?: boolean;
}

const MiB = 1024 * 1024;

/** Deterministic bytes: a counter-seeded pattern, different for every chunk index. */
function patternChunk(index: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = (index + 1) * 2654435761;
  for (let i = 0; i < size; i += 4) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    buf.writeUInt32LE(x, i);
  }
  return buf;
}

function generatedStream(totalBytes: number, chunkBytes: number): { stream: Readable; sha256: Promise<string> } {
  const hash = createHash('sha256');
  let resolveDigest!: (digest: string) => void;
  const sha256 = new Promise<string>((resolve) => (resolveDigest = resolve));
  let sent = 0;
  let index = 0;
  const stream = new Readable({
    read() {
      if (sent >= totalBytes) {
        resolveDigest(hash.digest('hex'));
        this.push(null);
        return;
      }
      const size = Math.min(chunkBytes, totalBytes - sent);
      const chunk = patternChunk(index++, chunkBytes).subarray(0, size);
      hash.update(chunk);
      sent += size;
      this.push(chunk);
    },
  });
  return { stream, sha256 };
}

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));

/**
 * The conformance suite every `Store` must pass. `factory` may be called more than once;
 * every call must return a client of the *same* backing store (two clients racing on one
 * key is part of the suite).
 */
export function describeStore(name: string, factory: StoreFactory, options: DescribeStoreOptions = {}): void {
  const root = options.prefix ?? 'aero-conformance';
  const suiteId = `${Date.now().toString(36)}-${randomId(4)}`;
  const atomicBytes = options.atomicBytes ?? 8 * MiB;
  const streamBytes = options.streamBytes ?? 32 * MiB;
  const racers = options.racers ?? 20;
  const timeout = options.timeout ?? 120_000;
  const clients: Store[] = [];
  let counter = 0;

  async function client(): Promise<Store> {
    const store = await factory();
    clients.push(store);
    return store;
  }
  /** A fresh key prefix for one test, ending in `/`. */
  function freshPrefix(label: string): string {
    counter += 1;
    return `${root}/${suiteId}/${String(counter).padStart(2, '0')}-${label}-${randomId(3)}/`;
  }

  describe(`Store conformance: ${name}`, () => {
    afterAll(async () => {
      if (options.cleanup !== false && clients[0]) {
        const store = clients[0];
        const keys = await collect(store.list(`${root}/${suiteId}/`));
        await mapLimit(keys, 16, (key) => store.delete(key));
      }
      for (const store of clients) await store.close?.();
    }, timeout);

    it('identifies itself as a store plugin', async () => {
      const store = await client();
      expectIdentity(store, 'store', ['has', 'get', 'getBytes', 'put', 'list', 'delete']);
      if (store.localRoot !== undefined) expect(isAbsolute(store.localRoot)).toBe(true);
    });

    it('treats a missing key as absent: has → false, get/getBytes → null, delete resolves', async () => {
      const store = await client();
      const key = `${freshPrefix('missing')}nope/never-written.json`;
      expect(await store.has(key)).toBe(false);
      expect(await store.get(key)).toBeNull();
      expect(await store.getBytes(key)).toBeNull();
      await expect(store.delete(key)).resolves.toBeUndefined();
      expect(await collect(store.list(key))).toEqual([]);
    });

    it('round-trips Uint8Array, string and stream bodies', async () => {
      const store = await client();
      const p = freshPrefix('roundtrip');
      const bytes = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      const str = 'héllo wörld ✓ 🚀\nline two\r\n';
      const streamed = Buffer.from('streamed body '.repeat(1000));

      expect(await store.put(`${p}bytes.bin`, bytes)).toEqual({ written: true });
      expect(await store.put(`${p}string.txt`, str)).toEqual({ written: true });
      expect(await store.put(`${p}stream.bin`, Readable.from([streamed.subarray(0, 5000), streamed.subarray(5000)]))).toEqual({ written: true });

      expect(await store.has(`${p}bytes.bin`)).toBe(true);
      const got = await store.getBytes(`${p}bytes.bin`);
      expect(got).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(got!).equals(Buffer.from(bytes))).toBe(true);
      expect(text(await store.getBytes(`${p}string.txt`))).toBe(str);
      const stream = await store.get(`${p}stream.bin`);
      expect(stream).not.toBeNull();
      expect((await readAll(stream!)).equals(streamed)).toBe(true);
      const viaGet = await store.get(`${p}bytes.bin`);
      expect((await readAll(viaGet!)).equals(Buffer.from(bytes))).toBe(true);
    });

    it('stores an empty value as present and empty', async () => {
      const store = await client();
      const key = `${freshPrefix('empty')}empty.txt`;
      expect(await store.put(key, new Uint8Array(0))).toEqual({ written: true });
      expect(await store.has(key)).toBe(true);
      expect((await store.getBytes(key))?.byteLength).toBe(0);
      expect((await readAll((await store.get(key))!)).length).toBe(0);
      expect(await collect(store.list(key))).toEqual([key]);
    });

    it('overwrites by default and reports written: true', async () => {
      const store = await client();
      const key = `${freshPrefix('overwrite')}record.json`;
      expect(await store.put(key, '{"v":1}')).toEqual({ written: true });
      expect(await store.put(key, '{"v":2,"longer":true}')).toEqual({ written: true });
      expect(text(await store.getBytes(key))).toBe('{"v":2,"longer":true}');
      expect(await store.put(key, 'x')).toEqual({ written: true });
      expect(text(await store.getBytes(key))).toBe('x');
    });

    it('ifAbsent never overwrites an existing key (bytes, string, stream, after an overwrite)', async () => {
      const store = await client();
      const key = `${freshPrefix('ifabsent')}objects/sha256/ab/abcdef`;
      expect(await store.put(key, 'first', { ifAbsent: true })).toEqual({ written: true });
      expect(await store.put(key, 'second', { ifAbsent: true })).toEqual({ written: false });
      expect(await store.put(key, Buffer.from('third'), { ifAbsent: true })).toEqual({ written: false });
      expect(await store.put(key, Readable.from([Buffer.from('fourth')]), { ifAbsent: true })).toEqual({ written: false });
      expect(text(await store.getBytes(key))).toBe('first');
      // A plain put still replaces it, and ifAbsent then protects the new value.
      expect(await store.put(key, 'replaced')).toEqual({ written: true });
      expect(await store.put(key, 'fifth', { ifAbsent: true })).toEqual({ written: false });
      expect(text(await store.getBytes(key))).toBe('replaced');
    });

    it(`ifAbsent under a race: ${racers} concurrent writers on one key (two clients), exactly one wins`, async () => {
      const a = await client();
      const b = await client();
      const p = freshPrefix('race');
      for (const round of [0, 1, 2]) {
        const key = `${p}record-${round}.json`;
        // Values are large enough (256 KiB) that the writes overlap in time.
        const values = Array.from({ length: racers }, (_, i) => `writer-${i};`.padEnd(256 * 1024, String.fromCharCode(97 + (i % 26))));
        const results = await Promise.all(values.map((value, i) => (i % 2 === 0 ? a : b).put(key, value, { ifAbsent: true })));
        const winners = results.map((r, i) => (r.written ? i : -1)).filter((i) => i >= 0);
        expect(winners, `round ${round}: writers that reported written: true`).toHaveLength(1);
        for (const r of results) expect(typeof r.written).toBe('boolean');
        const stored = text(await a.getBytes(key));
        expect(stored?.slice(0, 16)).toBe(values[winners[0]!]!.slice(0, 16));
        expect(stored === values[winners[0]!]).toBe(true);
        expect(text(await b.getBytes(key)) === stored).toBe(true);
      }
    }, timeout);

    it(`put is atomic: concurrent readers never see a partial ${Math.round(atomicBytes / MiB)} MiB value while it is overwritten`, async () => {
      const store = await client();
      const reader = await client();
      const key = `${freshPrefix('atomic')}runs/r1/big.bin`;
      const A = Buffer.alloc(atomicBytes, 0x41);
      const B = Buffer.alloc(atomicBytes, 0x42);
      await store.put(key, A);
      let writing = true;
      let reads = 0;
      const bad: string[] = [];
      const check = (buf: Buffer | null, how: string) => {
        reads += 1;
        if (buf === null) bad.push(`${how}: null while the key existed`);
        else if (!buf.equals(A) && !buf.equals(B)) bad.push(`${how}: ${buf.length} bytes, first ${buf[0]}, last ${buf[buf.length - 1]} (neither the old nor the new value)`);
      };
      const readers = [0, 1].map(async (r) => {
        while (writing || reads < 4) {
          // Yield to timers/IO so in-memory clients cannot starve the writer.
          await new Promise((resolve) => setImmediate(resolve));
          if (r === 0) {
            const bytes = await reader.getBytes(key);
            check(bytes === null ? null : Buffer.from(bytes), 'getBytes');
          } else {
            const stream = await reader.get(key);
            check(stream === null ? null : await readAll(stream), 'get');
          }
        }
      });
      for (let i = 0; i < 6; i++) {
        await store.put(key, i % 2 === 0 ? B : A);
        // Let the readers interleave with the writes on a single-threaded client.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await store.put(key, Readable.from([B.subarray(0, atomicBytes / 2), B.subarray(atomicBytes / 2)]));
      writing = false;
      await Promise.all(readers);
      expect(bad).toEqual([]);
      expect(reads).toBeGreaterThanOrEqual(4);
      expect(Buffer.from((await store.getBytes(key))!).equals(B)).toBe(true);
    }, timeout);

    it('list yields every key under a prefix, nested ones included, and nothing else', async () => {
      const store = await client();
      const p = freshPrefix('list');
      const keys = ['list/a.json', 'list/b/c.json', 'list/b/d/e.json', 'list/bb.json', 'listx/a.json', 'lis.json', 'other/list/a.json'];
      await Promise.all(keys.map((k) => store.put(`${p}${k}`, k)));
      const listed = async (prefix: string) => (await collect(store.list(`${p}${prefix}`))).map((k) => k.slice(p.length)).sort();
      expect(await listed('list/')).toEqual(['list/a.json', 'list/b/c.json', 'list/b/d/e.json', 'list/bb.json']);
      expect(await listed('list/b/')).toEqual(['list/b/c.json', 'list/b/d/e.json']);
      expect(await listed('list/b')).toEqual(['list/b/c.json', 'list/b/d/e.json', 'list/bb.json']);
      expect(await listed('list')).toEqual(['list/a.json', 'list/b/c.json', 'list/b/d/e.json', 'list/bb.json', 'listx/a.json']);
      expect(await listed('list/b/d/e.json')).toEqual(['list/b/d/e.json']);
      expect(await listed('list/zzz/')).toEqual([]);
      expect(await listed('nothing-here/')).toEqual([]);
      expect(await listed('')).toEqual([...keys].sort());
      const all = await collect(store.list(p));
      expect(new Set(all).size).toBe(all.length);
    });

    it('delete removes one key and leaves its neighbours', async () => {
      const store = await client();
      const p = freshPrefix('delete');
      await store.put(`${p}d/one.json`, '1');
      await store.put(`${p}d/two.json`, '2');
      await store.put(`${p}d/sub/three.json`, '3');
      await store.delete(`${p}d/one.json`);
      await store.delete(`${p}d/sub/three.json`);
      expect(await store.has(`${p}d/one.json`)).toBe(false);
      expect(await store.getBytes(`${p}d/one.json`)).toBeNull();
      expect(await store.get(`${p}d/sub/three.json`)).toBeNull();
      expect(text(await store.getBytes(`${p}d/two.json`))).toBe('2');
      expect(await collect(store.list(`${p}d/`))).toEqual([`${p}d/two.json`]);
      await expect(store.delete(`${p}d/one.json`)).resolves.toBeUndefined();
      // A deleted key can be written again, also with ifAbsent.
      expect(await store.put(`${p}d/one.json`, 'again', { ifAbsent: true })).toEqual({ written: true });
      expect(text(await store.getBytes(`${p}d/one.json`))).toBe('again');
    });

    it('handles keys with unusual but legal characters', async () => {
      const store = await client();
      const p = freshPrefix('chars');
      const keys = [
        'runs/r1/simulate[split=test,sim=3]/record.json',
        'runs/r1/simulate[split=train,sim=10]/metrics.jsonl',
        'artifacts/train.model/sha256-0f1e.json',
        'runs/r1/x@1+y~z_(a) b/log.txt',
        'cache/ü-ñ-日本.json',
      ];
      for (const k of keys) expect(await store.put(`${p}${k}`, `value of ${k}`), k).toEqual({ written: true });
      for (const k of keys) {
        expect(await store.has(`${p}${k}`), k).toBe(true);
        expect(text(await store.getBytes(`${p}${k}`)), k).toBe(`value of ${k}`);
      }
      expect((await collect(store.list(`${p}runs/r1/simulate[`))).sort()).toEqual([`${p}${keys[0]}`, `${p}${keys[1]}`].sort());
      expect((await collect(store.list(p))).sort()).toEqual(keys.map((k) => `${p}${k}`).sort());
      await store.delete(`${p}${keys[0]}`);
      expect(await store.has(`${p}${keys[0]}`)).toBe(false);
      expect(await store.has(`${p}${keys[1]}`)).toBe(true);
    });

    it(`streams a ${Math.round(streamBytes / MiB)} MiB body through put and get`, async () => {
      const store = await client();
      const key = `${freshPrefix('stream')}objects/big.bin`;
      const { stream, sha256 } = generatedStream(streamBytes, MiB);
      expect(await store.put(key, stream)).toEqual({ written: true });
      const expected = await sha256;
      const body = await store.get(key);
      expect(body).not.toBeNull();
      expect(typeof body!.pipe).toBe('function');
      const hash = createHash('sha256');
      let size = 0;
      let chunks = 0;
      for await (const chunk of body!) {
        const buf = chunk as Buffer;
        size += buf.length;
        chunks += 1;
        hash.update(buf);
      }
      expect(size).toBe(streamBytes);
      // A real stream arrives in pieces, not as one buffered blob.
      expect(chunks).toBeGreaterThan(1);
      expect(hash.digest('hex')).toBe(expected);
    }, timeout);

    it('putFile and getFile fast paths (when the store has them)', async (ctx) => {
      const store = await client();
      ctx.skip(!store.putFile && !store.getFile, `${name} has neither putFile nor getFile (optional)`);
      const p = freshPrefix('files');
      const dir = await mkdtemp(join(tmpdir(), 'aero-store-conformance-'));
      try {
        const src = join(dir, 'source.bin');
        const content = patternChunk(7, 300_000);
        await writeFile(src, content);
        if (store.putFile) {
          expect(await store.putFile(`${p}f/blob.bin`, src)).toEqual({ written: true });
          expect(Buffer.from((await store.getBytes(`${p}f/blob.bin`))!).equals(content)).toBe(true);
          await writeFile(join(dir, 'other.bin'), 'other');
          expect(await store.putFile(`${p}f/blob.bin`, join(dir, 'other.bin'), { ifAbsent: true })).toEqual({ written: false });
          expect(Buffer.from((await store.getBytes(`${p}f/blob.bin`))!).equals(content)).toBe(true);
          expect(await store.putFile(`${p}f/blob.bin`, join(dir, 'other.bin'))).toEqual({ written: true });
          expect(text(await store.getBytes(`${p}f/blob.bin`))).toBe('other');
          // The source file is untouched and independent of the stored copy.
          expect((await readFile(src)).equals(content)).toBe(true);
        } else {
          await store.put(`${p}f/blob.bin`, 'other');
        }
        if (store.getFile) {
          const dest = join(dir, 'nested', 'dir', 'out.bin');
          expect(await store.getFile(`${p}f/blob.bin`, dest)).toBe(true);
          expect(await readFile(dest, 'utf8')).toBe('other');
          const missing = join(dir, 'missing.bin');
          expect(await store.getFile(`${p}f/never-written.bin`, missing)).toBe(false);
          await expect(stat(missing)).rejects.toMatchObject({ code: 'ENOENT' });
          // Overwrites an existing destination file.
          await store.put(`${p}f/blob.bin`, 'newer');
          expect(await store.getFile(`${p}f/blob.bin`, dest)).toBe(true);
          expect(await readFile(dest, 'utf8')).toBe('newer');
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, timeout);

    it('hasMany answers in order (when the store has it)', async (ctx) => {
      const store = await client();
      ctx.skip(!store.hasMany, `${name} has no hasMany (optional)`);
      const p = freshPrefix('hasmany');
      const present = Array.from({ length: 50 }, (_, i) => `${p}objects/${String(i).padStart(3, '0')}`);
      await mapLimit(present, 8, (k) => store.put(k, k));
      const asked = present.flatMap((k, i) => [k, `${p}objects/missing-${i}`]);
      const answer = await store.hasMany!(asked);
      expect(answer).toEqual(asked.map((_, i) => i % 2 === 0));
      expect(await store.hasMany!([])).toEqual([]);
    }, timeout);
  });
}
