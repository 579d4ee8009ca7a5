import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AeroError } from '@aeroml/core';
import { startFaultProxy, type FaultProxy } from '../../../tools/s3/fault-proxy.mjs';
import type { S3Store } from '../src/index.js';
import { blobKey, collect, env, makeStore, MiB, patternBytes, rawClient, readAll, sha256, tempDir } from './helpers.js';

const raw = rawClient();

describe('s3Store on MinIO', () => {
  let store: S3Store;
  let dir: string;
  beforeAll(async () => {
    // Small thresholds so multipart paths run with test-sized files.
    store = await makeStore({ multipartThreshold: 5 * MiB, partSize: 5 * MiB, partConcurrency: 4 });
    dir = await tempDir();
  });
  afterAll(async () => {
    await store.close();
  });

  it('keeps keys under its prefix and lists them back without it', async () => {
    await store.put('runs/r1/run.json', '{"status":"ok"}');
    await store.put('cache/k1.json', '{}');
    expect((await collect(store.list('runs/'))).sort()).toEqual(['runs/r1/run.json']);
    const head = await raw.send(new HeadObjectCommand({ Bucket: env.bucket, Key: `${store.settings.prefix}runs/r1/run.json` }));
    expect(head.ContentLength).toBe(15);
    expect(head.Metadata?.['aero-sha256']).toBe(sha256(Buffer.from('{"status":"ok"}')));
  });

  it('lists past one page (1,000 keys per ListObjectsV2 page)', async () => {
    const s = await makeStore({ maxConcurrentRequests: 32 });
    const keys = Array.from({ length: 1205 }, (_, i) => `cache/${String(i).padStart(5, '0')}.json`);
    await Promise.all(keys.map((k) => s.put(k, k)));
    const listed = await collect(s.list('cache/'));
    expect(listed.length).toBe(1205);
    expect(new Set(listed)).toEqual(new Set(keys));
    await s.close();
  });

  it('putFile uploads a large file in parallel parts and getFile downloads it in ranges, byte for byte', async () => {
    const content = patternBytes(23 * MiB + 12345, 3);
    const src = join(dir, 'big.bin');
    await writeFile(src, content);
    const hex = sha256(content);
    expect(await store.putFile(blobKey(hex), src, { ifAbsent: true, sha256: hex })).toEqual({ written: true });
    const head = await raw.send(new HeadObjectCommand({ Bucket: env.bucket, Key: `${store.settings.prefix}${blobKey(hex)}` }));
    expect(head.ETag).toMatch(/-5"$/); // 5 parts of 5 MiB
    expect(head.Metadata?.['aero-sha256']).toBe(hex);
    expect(await store.putFile(blobKey(hex), src, { ifAbsent: true, sha256: hex })).toEqual({ written: false });
    const fresh = await makeStore({ prefix: store.settings.prefix, multipartThreshold: 5 * MiB, partSize: 5 * MiB, cacheDir: false });
    const dest = join(dir, 'out', 'big.bin');
    expect(await fresh.getFile(blobKey(hex), dest)).toBe(true);
    expect(sha256(await readFile(dest))).toBe(hex);
    expect((await readdir(join(dir, 'out'))).filter((n) => n.includes('aero-tmp'))).toEqual([]);
    await fresh.close();
  });

  it('putFile refuses a file whose bytes do not match the given sha256, and leaves nothing behind', async () => {
    const content = patternBytes(11 * MiB, 4);
    const src = join(dir, 'wrong.bin');
    await writeFile(src, content);
    const claimed = sha256(Buffer.from('something else'));
    const err = (await store.putFile(blobKey(claimed), src, { ifAbsent: true, sha256: claimed }).catch((e: unknown) => e)) as AeroError;
    expect(err).toBeInstanceOf(AeroError);
    expect(err.code).toBe('S3_DIGEST_MISMATCH');
    expect(err.message).toContain(`does not match its sha256: expected ${claimed}, got ${sha256(content)}`);
    expect(await store.has(blobKey(claimed))).toBe(false);
    const small = (await store.put('runs/x/y.json', 'abc', { sha256: claimed }).catch((e: unknown) => e)) as AeroError;
    expect(small.code).toBe('S3_DIGEST_MISMATCH');
  });

  it('streams a large put of unknown length as multipart and reads it back as a stream', async () => {
    const content = patternBytes(17 * MiB + 7, 5);
    const chunks = Array.from({ length: Math.ceil(content.length / (256 * 1024)) }, (_, i) => content.subarray(i * 256 * 1024, (i + 1) * 256 * 1024));
    expect(await store.put('runs/r2/big.bin', Readable.from(chunks))).toEqual({ written: true });
    const head = await raw.send(new HeadObjectCommand({ Bucket: env.bucket, Key: `${store.settings.prefix}runs/r2/big.bin` }));
    expect(head.ETag).toMatch(/-4"$/);
    const got = await readAll((await store.get('runs/r2/big.bin'))!);
    expect(got.equals(content)).toBe(true);
  });

  it('ifAbsent also holds for multipart uploads of a stream', async () => {
    const a = patternBytes(6 * MiB, 6);
    const b = patternBytes(6 * MiB, 7);
    expect(await store.put('records/big.json', Readable.from([a]), { ifAbsent: true })).toEqual({ written: true });
    expect(await store.put('records/big.json', Readable.from([b]), { ifAbsent: true })).toEqual({ written: false });
    expect(Buffer.from((await store.getBytes('records/big.json'))!).equals(a)).toBe(true);
  });

  it('verifies every download: a blob whose bytes do not match its key fails get, getBytes and getFile', async () => {
    const good = Buffer.from('the real content');
    const hex = sha256(good);
    // Somebody else wrote wrong bytes under the content address (no aero metadata).
    await raw.send(new PutObjectCommand({ Bucket: env.bucket, Key: `${store.settings.prefix}${blobKey(hex)}`, Body: 'tampered content!' }));
    const expectMismatch = (e: unknown) => {
      expect(e).toBeInstanceOf(AeroError);
      expect((e as AeroError).code).toBe('S3_DIGEST_MISMATCH');
      expect((e as AeroError).message).toContain(`/${blobKey(hex)} does not match its sha256: expected ${hex}, got ${sha256(Buffer.from('tampered content!'))}`);
    };
    expectMismatch(await store.getBytes(blobKey(hex)).catch((e: unknown) => e));
    expectMismatch(await readAll((await store.get(blobKey(hex)))!).catch((e: unknown) => e));
    const dest = join(dir, 'tampered.bin');
    expectMismatch(await store.getFile(blobKey(hex), dest).catch((e: unknown) => e));
    await expect(stat(dest)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('verifies mutable keys against the sha256 recorded at upload', async () => {
    await store.put('runs/r3/run.json', '{"a":1}');
    const key = `${store.settings.prefix}runs/r3/run.json`;
    const head = await raw.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
    // Replace the bytes but keep aero's metadata: a silent corruption.
    await raw.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: '{"a":2}', Metadata: head.Metadata }));
    const e = (await store.getBytes('runs/r3/run.json').catch((err: unknown) => err)) as AeroError;
    expect(e.code).toBe('S3_DIGEST_MISMATCH');
  });

  it('rejects keys that are not relative paths', async () => {
    for (const key of ['', '/abs', 'a//b', 'a/../b']) {
      const e = (await store.has(key).catch((err: unknown) => err)) as AeroError;
      expect(e.code).toBe('S3_INVALID_KEY');
      expect(e.message).toContain(`Invalid store key ${JSON.stringify(key)}: keys are relative`);
    }
  });
});

describe('local read-through cache', () => {
  let proxy: FaultProxy;
  const gets: string[] = [];
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: env.endpoint, onRequest: (r) => r.method === 'GET' && !r.url?.includes('list-type') && gets.push(r.url ?? '') });
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('downloads a content-addressed blob once; later get/getBytes/getFile read the disk cache', async () => {
    const cacheDir = join(await tempDir('cache'), 'c');
    const store = await makeStore({ endpoint: proxy.url, cacheDir });
    const content = patternBytes(300_000, 9);
    const hex = sha256(content);
    await store.put(blobKey(hex), content, { ifAbsent: true });
    gets.length = 0;
    expect(Buffer.from((await store.getBytes(blobKey(hex)))!).equals(content)).toBe(true);
    expect(gets.length).toBe(1);
    expect((await readFile(join(cacheDir, 'objects', 'sha256', hex.slice(0, 2), hex))).equals(content)).toBe(true);
    expect(Buffer.from((await store.getBytes(blobKey(hex)))!).equals(content)).toBe(true);
    expect((await readAll((await store.get(blobKey(hex)))!)).equals(content)).toBe(true);
    const dest = join(await tempDir(), 'x.bin');
    expect(await store.getFile(blobKey(hex), dest)).toBe(true);
    expect((await readFile(dest)).equals(content)).toBe(true);
    expect(gets.length).toBe(1);
    // A second store (another process) on the same cache dir does not download either.
    const other = await makeStore({ endpoint: proxy.url, cacheDir, prefix: store.settings.prefix });
    expect(Buffer.from((await other.getBytes(blobKey(hex)))!).equals(content)).toBe(true);
    expect(gets.length).toBe(1);
    await store.close();
    await other.close();
  });

  it('never caches mutable keys, and never caches blobs whose bytes fail verification', async () => {
    const cacheDir = join(await tempDir('cache'), 'c');
    const store = await makeStore({ endpoint: proxy.url, cacheDir });
    await store.put('runs/r/run.json', 'v1');
    expect(Buffer.from((await store.getBytes('runs/r/run.json'))!).toString()).toBe('v1');
    await store.put('runs/r/run.json', 'v2');
    gets.length = 0;
    expect(Buffer.from((await store.getBytes('runs/r/run.json'))!).toString()).toBe('v2');
    expect(gets.length).toBe(1);
    await expect(readdir(join(cacheDir, 'objects'))).rejects.toMatchObject({ code: 'ENOENT' });
    await store.close();
  });

  it('fills the cache from a large ranged getFile too', async () => {
    const cacheDir = join(await tempDir('cache'), 'c');
    const store = await makeStore({ endpoint: proxy.url, cacheDir, multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    const content = patternBytes(12 * MiB, 10);
    const hex = sha256(content);
    const src = join(await tempDir(), 'src.bin');
    await writeFile(src, content);
    await store.putFile(blobKey(hex), src, { sha256: hex });
    const dest = join(await tempDir(), 'dest.bin');
    expect(await store.getFile(blobKey(hex), dest)).toBe(true);
    gets.length = 0;
    const dest2 = join(await tempDir(), 'dest2.bin');
    expect(await store.getFile(blobKey(hex), dest2)).toBe(true);
    expect(sha256(await readFile(dest2))).toBe(hex);
    expect(gets.length).toBe(0);
    await store.close();
  });
});

// Keep the raw client's sockets from holding the worker open.
afterAll(() => raw.destroy());
