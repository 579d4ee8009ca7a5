import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { startFaultProxy, type FaultProxy } from '../../../tools/s3/fault-proxy.mjs';
import type { S3Store } from '../src/index.js';
import { blobKey, collect, env, makeStore, MiB, patternBytes, rawClient, readAll, sha256, tempDir, uniquePrefix } from './helpers.js';

const raw = rawClient();

describe('faults between the store and the server', () => {
  let proxy: FaultProxy;
  let faulty: S3Store;
  let clean: S3Store;
  const prefix = uniquePrefix('faults');

  beforeAll(async () => {
    proxy = await startFaultProxy({
      target: env.endpoint,
      seed: 20261122,
      dropRate: 0.05,
      dropResponseRate: 0.05,
      truncateRate: 0.05,
      errorRate: 0.08,
      delayRate: 0.1,
      delayMs: 50,
    });
    const tuning = { multipartThreshold: 5 * MiB, partSize: 5 * MiB, partConcurrency: 4, retry: { attempts: 12, baseDelayMs: 5, maxDelayMs: 100 } };
    faulty = await makeStore({ endpoint: proxy.url, prefix, ...tuning });
    clean = await makeStore({ prefix, cacheDir: false, ...tuning });
  });
  afterAll(async () => {
    await faulty.close();
    await clean.close();
    await proxy.close();
    raw.destroy();
  });

  it('every operation completes with identical content while requests are dropped, cut, delayed and refused', async () => {
    const dir = await tempDir('faults');
    // Large file through putFile (parallel parts) and a large stream through put.
    const big = patternBytes(21 * MiB + 333, 21);
    const bigHex = sha256(big);
    await writeFile(join(dir, 'big.bin'), big);
    expect(await faulty.putFile(blobKey(bigHex), join(dir, 'big.bin'), { ifAbsent: true, sha256: bigHex })).toEqual({ written: true });
    const streamed = patternBytes(11 * MiB, 22);
    expect(await faulty.put('runs/r1/streamed.bin', Readable.from([streamed.subarray(0, 6 * MiB), streamed.subarray(6 * MiB)]))).toEqual({ written: true });

    // Many small records, created with ifAbsent, with bounded concurrency inside the store.
    const records = Array.from({ length: 200 }, (_, i) => ({ key: `runs/r1/actions/a${i}/record.json`, value: JSON.stringify({ i, pad: 'x'.repeat(i * 7) }) }));
    const results = await Promise.all(records.map((r) => faulty.put(r.key, r.value, { ifAbsent: true })));
    // A lost response to a conditional write that did succeed must still read as written.
    expect(results.every((r) => r.written)).toBe(true);
    expect(await Promise.all(records.map((r) => faulty.put(r.key, 'other', { ifAbsent: true })))).toEqual(records.map(() => ({ written: false })));

    // Read everything back through the faulty path.
    expect((await collect(faulty.list('runs/r1/actions/'))).sort()).toEqual(records.map((r) => r.key).sort());
    const values = await Promise.all(records.map((r) => faulty.getBytes(r.key)));
    values.forEach((v, i) => expect(Buffer.from(v!).toString()).toBe(records[i]!.value));
    expect(sha256(await readAll((await faulty.get('runs/r1/streamed.bin'))!))).toBe(sha256(streamed));
    const dest = join(dir, 'out', 'big.bin');
    expect(await faulty.getFile(blobKey(bigHex), dest)).toBe(true);
    expect(sha256(await readFile(dest))).toBe(bigHex);
    expect(await faulty.hasMany([blobKey(bigHex), 'runs/r1/none.json'])).toEqual([true, false]);

    // Every kind of fault really happened.
    for (const kind of ['drop', 'drop-response', 'truncate', 'error', 'delay'] as const) expect(proxy.stats[kind], kind).toBeGreaterThan(0);

    // The bytes on the server are exactly what was written (checked without the proxy).
    expect(sha256((await clean.getBytes(blobKey(bigHex)))!)).toBe(bigHex);
    expect(sha256((await clean.getBytes('runs/r1/streamed.bin'))!)).toBe(sha256(streamed));
    const direct = await Promise.all(records.map((r) => clean.getBytes(r.key)));
    direct.forEach((v, i) => expect(Buffer.from(v!).toString()).toBe(records[i]!.value));

    // Retried CreateMultipartUpload calls whose answers were lost may leave orphans: gc clears them.
    await clean.gc({ dryRun: false, olderThanMs: 0 });
    const uploads = await raw.send(new ListMultipartUploadsCommand({ Bucket: env.bucket }));
    expect((uploads.Uploads ?? []).filter((u) => u.Key!.startsWith(`${prefix}/`))).toEqual([]);
  });

  it('with checksums on (the AWS default) multipart parts carry CRC32s that the server accepts', async () => {
    let withChecksum = 0;
    const counting = await startFaultProxy({
      target: env.endpoint,
      onRequest: (r) => {
        if (r.method === 'PUT' && Object.keys(r.headers).some((h) => h.startsWith('x-amz-checksum') || h === 'x-amz-sdk-checksum-algorithm' || h === 'x-amz-trailer')) withChecksum++;
      },
    });
    const store = await makeStore({ endpoint: counting.url, checksums: 'when_supported', multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    const big = patternBytes(12 * MiB, 41);
    const file = join(await tempDir(), 'f.bin');
    await writeFile(file, big);
    expect(await store.putFile('objects/crc.bin', file, { ifAbsent: true })).toEqual({ written: true });
    expect(await store.put('runs/crc/stream.bin', Readable.from([big]))).toEqual({ written: true });
    expect(await store.put('runs/crc/run.json', '{}')).toEqual({ written: true });
    expect(withChecksum).toBeGreaterThanOrEqual(7); // 3 + 3 parts and the small put
    expect(sha256((await store.getBytes('objects/crc.bin'))!)).toBe(sha256(big));
    expect(sha256((await store.getBytes('runs/crc/stream.bin'))!)).toBe(sha256(big));
    await store.close();
    await counting.close();
  });

  it('works against a server that rejects the SDK default CRC checksums (checksums: when_required)', async () => {
    const strict = await startFaultProxy({ target: env.endpoint, rejectChecksums: true });
    const store = await makeStore({ endpoint: strict.url, multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    const big = patternBytes(12 * MiB, 31);
    const file = join(await tempDir(), 'f.bin');
    await writeFile(file, big);
    expect(await store.putFile('objects/f.bin', file)).toEqual({ written: true });
    expect(await store.put('runs/c/run.json', '{"ok":true}', { ifAbsent: true })).toEqual({ written: true });
    expect(await store.put('runs/c/stream.bin', Readable.from([big]))).toEqual({ written: true });
    expect(sha256((await store.getBytes('objects/f.bin'))!)).toBe(sha256(big));
    expect(Buffer.from((await store.getBytes('runs/c/run.json'))!).toString()).toBe('{"ok":true}');
    await store.delete('runs/c/run.json');
    expect(await collect(store.list('runs/c/'))).toEqual(['runs/c/stream.bin']);
    expect(strict.stats['reject-checksum']).toBe(0);
    expect(strict.stats.requests).toBeGreaterThan(10);
    await store.close();
    await strict.close();
  });
});
