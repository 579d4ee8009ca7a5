import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { atomicTempPath, publishTemp, writeAtomic } from '@aeroml/core';
import { isNotFound, type S3Connection } from './connection.js';
import { BlobCache } from './cache.js';
import { digestMismatch, isRetryable, statusOf, toAeroError } from './errors.js';
import { FileHasher } from './digest.js';
import { digestOfKey, META_SHA256 } from './keys.js';
import { mapLimit } from './limit.js';
import { backoffDelay, sleep } from './retry.js';
import { choosePartSize } from './upload.js';

const WRITE_CHUNK = 1024 * 1024;

interface Opened {
  body: AsyncIterable<Uint8Array> & { destroy?(): void };
  /** Bytes in this response. */
  length: number;
  etag: string | undefined;
  /** The sha256 the whole object must hash to, when known (metadata or content-addressed key). */
  expected: string | undefined;
}

/** One GetObject, optionally ranged and pinned to an ETag (so a resumed read never mixes versions). */
async function openObject(conn: S3Connection, key: string, range?: { start: number; end?: number }, etag?: string): Promise<Opened | null> {
  const out = await conn.send('GetObject', key, async (client, sdk): Promise<GetObjectCommandOutput | null> => {
    try {
      return await client.send(
        new sdk.GetObjectCommand({
          Bucket: conn.bucket,
          Key: conn.objectKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
          ...(etag ? { IfMatch: etag } : {}),
        }),
      );
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  });
  return out ? toOpened(out, key) : null;
}

function toOpened(out: GetObjectCommandOutput, key: string): Opened {
  const body = (out.Body ?? Readable.from([])) as Opened['body'];
  return { body, length: out.ContentLength ?? 0, etag: out.ETag, expected: out.Metadata?.[META_SHA256] ?? digestOfKey(key) };
}

/**
 * GET of bytes [0, length) and the object's total size (from Content-Range). An empty object
 * has no byte 0 to ask for (416), so it is fetched unranged.
 */
async function openFirstRange(conn: S3Connection, key: string, length: number): Promise<{ opened: Opened; total: number } | null> {
  let rangeNotSatisfiable = false;
  const out = await conn.send('GetObject', key, async (client, sdk): Promise<GetObjectCommandOutput | null> => {
    try {
      return await client.send(new sdk.GetObjectCommand({ Bucket: conn.bucket, Key: conn.objectKey(key), Range: `bytes=0-${length - 1}` }));
    } catch (error) {
      if (isNotFound(error)) return null;
      if (statusOf(error) === 416) {
        rangeNotSatisfiable = true;
        return null;
      }
      throw error;
    }
  });
  if (rangeNotSatisfiable) {
    const whole = await openObject(conn, key);
    return whole ? { opened: whole, total: whole.length } : null;
  }
  if (!out) return null;
  const opened = toOpened(out, key);
  const total = /\/(\d+)\s*$/.exec(out.ContentRange ?? '')?.[1];
  // A server that ignores Range answers 200 with the whole object.
  return { opened, total: total === undefined ? opened.length : Number(total) };
}

class Truncated extends Error {
  readonly code = 'ECONNRESET';
}

/**
 * Streams bytes `[start, end)` of an object, resuming with a ranged GET after a dropped
 * connection or timeout, up to the retry policy's attempts without progress. `first` is an
 * already open response for the same range.
 */
async function* resumable(conn: S3Connection, key: string, etag: string | undefined, start: number, end: number, first?: Opened): AsyncGenerator<Uint8Array> {
  let position = start;
  let failures = 0;
  let failedAt = -1;
  let current: Opened | undefined = first;
  try {
    while (position < end) {
      try {
        if (!current) {
          const opened = await openObject(conn, key, { start: position, end: end - 1 }, etag);
          if (!opened) throw toAeroError(Object.assign(new Error('object disappeared while being read'), { name: 'NoSuchKey' }), conn.context('GetObject', key));
          current = opened;
        }
        for await (const chunk of current.body) {
          position += chunk.byteLength;
          yield chunk;
        }
        current = undefined;
        if (position < end) throw new Truncated(`response ended at byte ${position} of ${end}`);
        if (position > end) throw new Error(`server sent ${position - start} bytes for a ${end - start} byte range`);
        return;
      } catch (error) {
        current?.body.destroy?.();
        current = undefined;
        // Attempts count per stall, not per download: bytes moved since the last failure
        // start the count again, so a long transfer survives many scattered drops.
        if (position > failedAt) failures = 0;
        failedAt = position;
        failures++;
        if (!isRetryable(error) || failures >= conn.settings.retry.attempts) throw toAeroError(error, { ...conn.context('GetObject', key), attempts: failures });
        await sleep(backoffDelay(conn.settings.retry, failures - 1));
      }
    }
  } finally {
    current?.body.destroy?.();
  }
}

/** A verified stream over a whole object whose (unranged) response is `first`. */
async function verifiedStream(conn: S3Connection, cache: BlobCache | undefined, key: string, first: Opened): Promise<Readable> {
  const hex = digestOfKey(key);
  const { expected, etag, length } = first;
  const cacheWriter = cache && hex && expected === hex ? await cache.writer(hex) : undefined;
  async function* verified(): AsyncGenerator<Uint8Array> {
    const hash = expected ? createHash('sha256') : undefined;
    let ok = false;
    try {
      for await (const chunk of resumable(conn, key, etag, 0, length, first)) {
        hash?.update(chunk);
        if (cacheWriter && !cacheWriter.stream.write(chunk)) await once(cacheWriter.stream, 'drain');
        yield chunk;
      }
      if (hash && expected) {
        const actual = hash.digest('hex');
        if (actual !== expected) throw digestMismatch(conn.context('GetObject', key), expected, actual);
      }
      ok = true;
    } finally {
      if (cacheWriter) await (ok ? cacheWriter.commit().catch(() => {}) : cacheWriter.discard());
    }
  }
  return Readable.from(verified(), { objectMode: false });
}

/** get(): a verified, resumable stream; content-addressed blobs come from (and go to) the local cache. */
export async function getStream(conn: S3Connection, cache: BlobCache | undefined, key: string): Promise<Readable | null> {
  const hex = digestOfKey(key);
  const cached = cache && hex ? await cache.lookup(hex) : undefined;
  if (cached) return createReadStream(cached);
  const first = await openObject(conn, key);
  if (!first) return null;
  return verifiedStream(conn, cache, key, first);
}

/** getBytes(): the whole (small) value, verified. */
export async function getBytes(conn: S3Connection, cache: BlobCache | undefined, key: string): Promise<Uint8Array | null> {
  const hex = digestOfKey(key);
  const cached = cache && hex ? await cache.lookup(hex) : undefined;
  if (cached) {
    try {
      return await readFile(cached);
    } catch {
      // removed between the check and the read: fall through to the server
    }
  }
  const stream = await getStream(conn, cache, key);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes chunks at increasing positions, gathered into ~1 MiB vectored writes (no copying). */
async function writeRange(fh: FileHandle, chunks: AsyncIterable<Uint8Array>, start: number): Promise<void> {
  let position = start;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    let buffers = pending;
    let left = pendingBytes;
    pending = [];
    pendingBytes = 0;
    while (left > 0) {
      const { bytesWritten } = await fh.writev(buffers as NodeJS.ArrayBufferView[], position);
      position += bytesWritten;
      left -= bytesWritten;
      if (left > 0) {
        // Short write: drop what was written and go on with the rest.
        let skip = bytesWritten;
        const rest: Uint8Array[] = [];
        for (const b of buffers) {
          if (skip >= b.byteLength) skip -= b.byteLength;
          else {
            rest.push(b.subarray(skip));
            skip = 0;
          }
        }
        buffers = rest;
      }
    }
  };
  for await (const chunk of chunks) {
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes >= WRITE_CHUNK) await flush();
  }
  await flush();
}

/**
 * getFile(): downloads to a temp file next to `dest` and renames it into place only after
 * the bytes verified. Big objects come as parallel ranged GETs written at their offsets and
 * hashed on a worker thread as the completed prefix grows (no whole-file buffer). Verified
 * blobs are hard-linked into the local cache, not copied.
 */
export async function getFile(conn: S3Connection, cache: BlobCache | undefined, key: string, dest: string, dirs: DirMemo): Promise<boolean> {
  try {
    return await getFileOnce(conn, cache, key, dest, dirs);
  } catch (error) {
    // The destination folder was removed since we created it: create it again, once.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    dirs.forget(dirname(dest));
    return getFileOnce(conn, cache, key, dest, dirs);
  }
}

async function getFileOnce(conn: S3Connection, cache: BlobCache | undefined, key: string, dest: string, dirs: DirMemo): Promise<boolean> {
  const hex = digestOfKey(key);
  await dirs.ensure(dirname(dest));
  // The folder was just ensured: a missing one (ENOENT) is left to getFile's retry.
  const publish = { temp: atomicTempPath(dirname(dest)), createDir: false };
  if (cache && hex) {
    try {
      if (await cache.linkTo(hex, publish.temp)) return publishTemp(publish.temp, dest, publish);
    } catch (error) {
      await unlink(publish.temp).catch(() => {});
      throw error;
    }
  }
  // No HEAD round trip: the first request asks for the first `multipartThreshold` bytes;
  // its Content-Range tells the size. Small objects arrive whole in that one response.
  const first = await openFirstRange(conn, key, conn.settings.multipartThreshold);
  if (!first) return false;
  const { opened, total } = first;
  const expected = opened.expected;
  // A blob that will join the cache is created read-only and stamped through its handle.
  const cacheable = Boolean(cache && hex && hex === expected);
  // Written to the temp file and renamed into place only after the bytes verified.
  await writeAtomic(
    dest,
    async (fh, tmp) => {
      let verified = false;
      if (opened.length >= total) {
        const hash = expected ? createHash('sha256') : undefined;
        await writeRange(fh, tap(resumable(conn, key, opened.etag, 0, total, opened), (chunk) => hash?.update(chunk)), 0);
        if (hash && expected) {
          const actual = hash.digest('hex');
          if (actual !== expected) throw digestMismatch(conn.context('GetObject', key), expected, actual);
          verified = true;
        }
      } else {
        await fh.truncate(total);
        verified = await rangedDownload(conn, key, fh, tmp, opened, total);
      }
      if (verified && cacheable && cache && hex) {
        await BlobCache.sealHandle(fh);
        await cache.adopt(hex, tmp, true).catch(() => {});
      }
    },
    { ...publish, mode: cacheable ? BlobCache.mode : 0o666 },
  );
  return true;
}

async function* tap(chunks: AsyncIterable<Uint8Array>, fn: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    fn(chunk);
    yield chunk;
  }
}

/** Parallel ranged GETs into `fh`; returns whether the content was verified. */
async function rangedDownload(conn: S3Connection, key: string, fh: FileHandle, path: string, opened: Opened, total: number): Promise<boolean> {
  const expected = opened.expected;
  const hasher = expected ? await FileHasher.start(path, total) : undefined;
  try {
    const partSize = choosePartSize(total, conn.settings.partSize);
    const ranges: Array<{ start: number; end: number; first?: Opened }> = [{ start: 0, end: opened.length, first: opened }];
    for (let start = opened.length; start < total; start += partSize) ranges.push({ start, end: Math.min(total, start + partSize) });
    await mapLimit(ranges, conn.settings.partConcurrency, async (range) => {
      await writeRange(fh, resumable(conn, key, opened.etag, range.start, range.end, range.first), range.start);
      hasher?.complete(range.start, range.end);
    }).catch((error: unknown) => {
      opened.body.destroy?.();
      throw error;
    });
    if (!hasher || !expected) return false;
    const actual = await hasher.digest();
    if (actual !== expected) throw digestMismatch(conn.context('GetObject', key), expected, actual);
    return true;
  } finally {
    await hasher?.stop();
  }
}

/** mkdir -p for destination folders, remembered per store. */
export class DirMemo {
  private readonly known = new Set<string>();
  async ensure(dir: string): Promise<void> {
    // A folder removed since is noticed by the open() of the temp file (ENOENT): see getFile.
    if (this.known.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.known.add(dir);
  }
  forget(dir: string): void {
    this.known.delete(dir);
  }
}
