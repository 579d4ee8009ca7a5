import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { isNotFound, type S3Connection } from './connection.js';
import type { BlobCache } from './cache.js';
import { digestMismatch, isRetryable, toAeroError } from './errors.js';
import { SequentialFileHasher } from './digest.js';
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
  if (!out) return null;
  const body = (out.Body ?? Readable.from([])) as Opened['body'];
  return { body, length: out.ContentLength ?? 0, etag: out.ETag, expected: out.Metadata?.[META_SHA256] ?? digestOfKey(key) };
}

class Truncated extends Error {
  readonly code = 'ECONNRESET';
}

/**
 * Streams bytes `[start, end)` of an object, resuming with a ranged GET after a dropped
 * connection or timeout, up to the retry policy's attempts. `first` is an already open
 * response for the same range.
 */
async function* resumable(conn: S3Connection, key: string, etag: string | undefined, start: number, end: number, first?: Opened): AsyncGenerator<Uint8Array> {
  let position = start;
  let failures = 0;
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
        failures++;
        if (!isRetryable(error) || failures >= conn.settings.retry.attempts) throw toAeroError(error, { ...conn.context('GetObject', key), attempts: failures });
        await sleep(backoffDelay(conn.settings.retry, failures - 1));
      }
    }
  } finally {
    current?.body.destroy?.();
  }
}

/** get(): a verified, resumable stream; content-addressed blobs come from (and go to) the local cache. */
export async function getStream(conn: S3Connection, cache: BlobCache | undefined, key: string): Promise<Readable | null> {
  const hex = digestOfKey(key);
  if (cache && hex && (await cache.has(hex))) return createReadStream(cache.path(hex));
  const first = await openObject(conn, key);
  if (!first) return null;
  const { expected, etag, length } = first;
  const cacheWriter = cache && hex && expected === hex ? await cache.writer(hex) : undefined;
  async function* verified(): AsyncGenerator<Uint8Array> {
    const hash = expected ? createHash('sha256') : undefined;
    let ok = false;
    try {
      for await (const chunk of resumable(conn, key, etag, 0, length, first as Opened)) {
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

/** getBytes(): the whole (small) value, verified. */
export async function getBytes(conn: S3Connection, cache: BlobCache | undefined, key: string): Promise<Uint8Array | null> {
  const hex = digestOfKey(key);
  if (cache && hex && (await cache.has(hex))) {
    try {
      return await readFile(cache.path(hex));
    } catch {
      // evicted between the check and the read: fall through to the server
    }
  }
  const stream = await getStream(conn, cache, key);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes chunks at increasing positions, coalesced into ~1 MiB writes. */
async function writeRange(fh: FileHandle, chunks: AsyncIterable<Uint8Array>, start: number): Promise<void> {
  let position = start;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const buf = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending, pendingBytes);
    pending = [];
    let written = 0;
    while (written < buf.byteLength) {
      const { bytesWritten } = await fh.write(buf, written, buf.byteLength - written, position + written);
      written += bytesWritten;
    }
    position += buf.byteLength;
    pendingBytes = 0;
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
 * the bytes verified. Big objects come as parallel ranged GETs written at their offsets,
 * hashed in order as the prefix completes (no whole-file buffer).
 */
export async function getFile(conn: S3Connection, cache: BlobCache | undefined, key: string, dest: string): Promise<boolean> {
  const hex = digestOfKey(key);
  const tmp = `${dest}.${randomUUID().slice(0, 8)}.aero-tmp`;
  await mkdir(dirname(dest), { recursive: true });
  try {
    if (cache && hex && (await cache.copyTo(hex, tmp))) {
      await chmod(tmp, 0o644);
      await rename(tmp, dest);
      return true;
    }
    const head = await conn.send('HeadObject', key, async (client, sdk) => {
      try {
        return await client.send(new sdk.HeadObjectCommand({ Bucket: conn.bucket, Key: conn.objectKey(key) }));
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    });
    if (!head) return false;
    const size = head.ContentLength ?? 0;
    const expected = head.Metadata?.[META_SHA256] ?? hex;
    if (size < conn.settings.multipartThreshold) {
      const stream = await getStream(conn, cache, key);
      if (!stream) return false;
      await pipeline(stream, createWriteStream(tmp));
    } else {
      const fh = await open(tmp, 'w+');
      try {
        await fh.truncate(size);
        const hasher = expected ? new SequentialFileHasher(fh, size) : undefined;
        const partSize = choosePartSize(size, conn.settings.partSize);
        const parts = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => i * partSize);
        await mapLimit(parts, conn.settings.partConcurrency, async (start) => {
          const end = Math.min(size, start + partSize);
          await writeRange(fh, resumable(conn, key, head.ETag, start, end), start);
          hasher?.done(start, end);
        });
        if (hasher && expected) {
          const actual = await hasher.digest();
          if (actual !== expected) throw digestMismatch(conn.context('GetObject', key), expected, actual);
          if (cache && hex === expected) await cache.addFile(hex, tmp).catch(() => {});
        }
      } finally {
        await fh.close();
      }
    }
    await rename(tmp, dest);
    return true;
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
}
