import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { PutOptions, PutResult } from '@aeroml/core';
import type { S3Client } from '@aws-sdk/client-s3';
import { headObject, isNotFound, isPreconditionFailed, unlessNotFound, type S3Connection, type Sdk } from './connection.js';
import { digestMismatch } from './errors.js';
import { FileHasher, sha256Hex } from './digest.js';
import { digestOfKey, META_SHA256, META_WRITER } from './keys.js';
import { mapLimit } from './limit.js';

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;

/**
 * Part size scaled to the object: 8 MiB, doubled while there would be more than 64 parts,
 * up to 64 MiB; beyond that as big as needed to stay under S3's 10,000 parts.
 */
export function choosePartSize(size: number, fixed?: number): number {
  const minForCount = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  if (fixed) return Math.max(fixed, minForCount);
  let part = 8 * MiB;
  while (part < 64 * MiB && size / part > 64) part *= 2;
  return Math.max(part, minForCount);
}

type Body = Uint8Array | Readable;

interface Target {
  key: string;
  ifAbsent: boolean;
  contentType: string | undefined;
  /** sha256 written to object metadata (known before the upload starts). */
  metaSha256: string | undefined;
}

function metadata(target: Target, writer: string): Record<string, string> {
  return target.metaSha256 ? { [META_SHA256]: target.metaSha256, [META_WRITER]: writer } : { [META_WRITER]: writer };
}

/** Did our own earlier attempt write this object (its response was lost)? */
async function writtenBy(conn: S3Connection, key: string, writer: string): Promise<boolean> {
  const head = await headObject(conn, key);
  return head?.Metadata?.[META_WRITER] === writer;
}

/** A single PutObject (bodies below the multipart threshold), conditional when `ifAbsent`. */
async function putObject(conn: S3Connection, target: Target, body: Uint8Array): Promise<PutResult> {
  const writer = randomUUID();
  return conditionalWrite(
    conn,
    'PutObject',
    target.key,
    writer,
    (client, sdk) =>
      client.send(
        new sdk.PutObjectCommand({
          Bucket: conn.bucket,
          Key: conn.objectKey(target.key),
          Body: body,
          ContentLength: body.byteLength,
          ContentType: target.contentType,
          Metadata: metadata(target, writer),
          ...(target.ifAbsent ? { IfNoneMatch: '*' } : {}),
        }),
      ),
    (error) => target.ifAbsent && isPreconditionFailed(error),
  );
}

/**
 * Sends a write that may find the key taken (`taken` recognises the refusal): then
 * { written: false } — unless the refusal came on a retry and the object carries our
 * `writer` id, when our own earlier attempt wrote it and only its response was lost.
 */
async function conditionalWrite(
  conn: S3Connection,
  op: string,
  key: string,
  writer: string,
  write: (client: S3Client, sdk: Sdk) => Promise<unknown>,
  taken: (error: unknown, attempt: number) => boolean,
): Promise<PutResult> {
  let lostResponse = false;
  const result = await conn.send(op, key, async (client, sdk, { attempt }): Promise<PutResult> => {
    try {
      await write(client, sdk);
      return { written: true };
    } catch (error) {
      if (!taken(error, attempt)) throw error;
      lostResponse = attempt > 1;
      return { written: false };
    }
  });
  if (lostResponse && (await writtenBy(conn, key, writer))) return { written: true };
  return result;
}

interface PartSource {
  size: number;
  partSize: number;
  /** A fresh body for part `index` (0-based) on every attempt. */
  body(index: number, start: number, end: number): Body;
}

async function abortUpload(conn: S3Connection, key: string, uploadId: string): Promise<void> {
  await conn
    .send('AbortMultipartUpload', key, (client, sdk) => unlessNotFound(client.send(new sdk.AbortMultipartUploadCommand({ Bucket: conn.bucket, Key: conn.objectKey(key), UploadId: uploadId })), undefined))
    .catch(() => {
      // Best effort: `aero gc` (store.gc) aborts whatever is left.
    });
}

/**
 * With SDK checksums on (AWS), every part carries a CRC32 and the upload must say so up
 * front and list each part's CRC32 on completion (S3 rejects mixed or missing ones).
 */
function partChecksums(conn: S3Connection): boolean {
  return conn.settings.checksums === 'when_supported';
}

/** What CompleteMultipartUpload needs about one uploaded part. */
interface UploadedPart {
  ETag: string;
  ChecksumCRC32?: string | undefined;
}

async function createUpload(conn: S3Connection, target: Target, writer: string): Promise<string> {
  const created = await conn.send('CreateMultipartUpload', target.key, (client, sdk) =>
    client.send(
      new sdk.CreateMultipartUploadCommand({
        Bucket: conn.bucket,
        Key: conn.objectKey(target.key),
        ContentType: target.contentType,
        Metadata: metadata(target, writer),
        ...(partChecksums(conn) ? { ChecksumAlgorithm: 'CRC32' as const } : {}),
      }),
    ),
  );
  return created.UploadId as string;
}

async function uploadPart(conn: S3Connection, key: string, uploadId: string, partNumber: number, length: number, body: () => Body): Promise<UploadedPart> {
  const out = await conn.send('UploadPart', key, (client, sdk) =>
    client.send(
      new sdk.UploadPartCommand({
        Bucket: conn.bucket,
        Key: conn.objectKey(key),
        UploadId: uploadId,
        PartNumber: partNumber,
        ContentLength: length,
        Body: body(),
        ...(partChecksums(conn) ? { ChecksumAlgorithm: 'CRC32' as const } : {}),
      }),
    ),
  );
  return { ETag: out.ETag as string, ChecksumCRC32: out.ChecksumCRC32 };
}

async function completeUpload(conn: S3Connection, target: Target, uploadId: string, writer: string, parts: UploadedPart[]): Promise<PutResult> {
  const result = await conditionalWrite(
    conn,
    'CompleteMultipartUpload',
    target.key,
    writer,
    (client, sdk) =>
      client.send(
        new sdk.CompleteMultipartUploadCommand({
          Bucket: conn.bucket,
          Key: conn.objectKey(target.key),
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((part, i) => ({ ...part, PartNumber: i + 1 })) },
          ...(target.ifAbsent ? { IfNoneMatch: '*' } : {}),
        }),
      ),
    // 412: someone else created the key; NoSuchUpload on a retry: our first try completed.
    (error, attempt) => (target.ifAbsent && isPreconditionFailed(error)) || (attempt > 1 && isNotFound(error)),
  );
  if (!result.written) await abortUpload(conn, target.key, uploadId);
  return result;
}

/** Parallel multipart upload of a source whose parts can be re-read (file or buffer). */
async function multipartUpload(conn: S3Connection, target: Target, source: PartSource, beforeComplete?: () => Promise<void>): Promise<PutResult> {
  const writer = randomUUID();
  const uploadId = await createUpload(conn, target, writer);
  try {
    const count = Math.max(1, Math.ceil(source.size / source.partSize));
    const indexes = Array.from({ length: count }, (_, i) => i);
    const parts = await mapLimit(indexes, conn.settings.partConcurrency, (i) => {
      const start = i * source.partSize;
      const end = Math.min(source.size, start + source.partSize);
      return uploadPart(conn, target.key, uploadId, i + 1, end - start, () => source.body(i, start, end));
    });
    await beforeComplete?.();
    return await completeUpload(conn, target, uploadId, writer, parts);
  } catch (error) {
    await abortUpload(conn, target.key, uploadId);
    throw error;
  }
}

async function alreadyThere(conn: S3Connection, key: string): Promise<boolean> {
  return (await headObject(conn, key)) !== undefined;
}

function target(key: string, options: PutOptions, metaSha256: string | undefined): Target {
  return { key, ifAbsent: Boolean(options.ifAbsent), contentType: options.contentType, metaSha256 };
}

/** put() of bytes: hashed, checked against `options.sha256`, single or multipart. */
export async function putBytes(conn: S3Connection, key: string, bytes: Uint8Array, options: PutOptions): Promise<PutResult> {
  const actual = sha256Hex(bytes);
  if (options.sha256 && options.sha256 !== actual) throw digestMismatch(conn.context('PutObject', key), options.sha256, actual);
  const t = target(key, options, actual);
  if (bytes.byteLength < conn.settings.multipartThreshold) return putObject(conn, t, bytes);
  if (t.ifAbsent && (await alreadyThere(conn, key))) return { written: false };
  const partSize = choosePartSize(bytes.byteLength, conn.settings.partSize);
  return multipartUpload(conn, t, { size: bytes.byteLength, partSize, body: (_i, start, end) => bytes.subarray(start, end) });
}

/**
 * putFile(): parallel multipart straight from the file (each part is a fresh ranged read
 * stream, so nothing is buffered whole and retries re-read the range). The file is hashed
 * alongside the transfer; a mismatch with the expected sha256 aborts the upload.
 */
export async function putFile(conn: S3Connection, key: string, path: string, options: PutOptions): Promise<PutResult> {
  const fh = await open(path, 'r');
  let size: number;
  let bytes: Buffer | undefined;
  try {
    size = (await fh.stat()).size;
    if (size < conn.settings.multipartThreshold) bytes = await fh.readFile();
  } finally {
    await fh.close();
  }
  if (bytes) return putBytes(conn, key, bytes, options);
  if (options.ifAbsent && (await alreadyThere(conn, key))) return { written: false };
  let expected = options.sha256 ?? digestOfKey(key);
  if (!expected) {
    // The sha256 goes into the object's metadata, which is sent first: hash before uploading.
    const pre = await FileHasher.start(path);
    expected = await pre.digest();
  }
  const hasher = await FileHasher.start(path);
  const hashing = hasher.digest();
  const partSize = choosePartSize(size, conn.settings.partSize);
  return multipartUpload(
    conn,
    target(key, options, expected),
    { size, partSize, body: (_i, start, end) => createReadStream(path, { start, end: end - 1, highWaterMark: 1024 * 1024 }) },
    async () => {
      const actual = await hashing;
      if (actual !== expected) throw digestMismatch(conn.context('UploadPart', key), expected, actual);
    },
  ).finally(() => hasher.stop());
}

/**
 * put() of a stream of unknown length: small streams are buffered and sent in one request;
 * larger ones go out as parts while being read, at most `partConcurrency` parts in memory.
 */
export async function putStream(conn: S3Connection, key: string, body: Readable, options: PutOptions): Promise<PutResult> {
  const threshold = conn.settings.multipartThreshold;
  const partSize = Math.max(conn.settings.partSize ?? 16 * MiB, threshold);
  const hash = createHash('sha256');
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let ended = false;

  /** Reads until `limit` bytes are pending or the stream ends. */
  const fill = async (limit: number): Promise<void> => {
    while (!ended && pendingBytes < limit) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
    }
  };
  /** Takes exactly `n` bytes (or all that is left) from the pending chunks. */
  const take = (n: number): Buffer => {
    const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    const head = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(head.length);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
    return head;
  };

  await fill(threshold);
  if (ended) return putBytes(conn, key, take(pendingBytes), options);

  const expected = options.sha256 ?? digestOfKey(key);
  if (options.ifAbsent && (await alreadyThere(conn, key))) {
    body.destroy();
    return { written: false };
  }
  const t = target(key, options, expected);
  const writer = randomUUID();
  const uploadId = await createUpload(conn, t, writer);
  const inFlight = new Set<Promise<void>>();
  const parts: UploadedPart[] = [];
  let failure: { error: unknown } | undefined;
  try {
    for (let partNumber = 1; ; partNumber++) {
      await fill(partSize);
      if (pendingBytes === 0 && partNumber > 1) break;
      if (partNumber > MAX_PARTS) throw new Error(`stream is larger than ${MAX_PARTS} parts of ${partSize} bytes; use putFile or a larger partSize`);
      const part = take(partSize);
      const task = uploadPart(conn, key, uploadId, partNumber, part.length, () => part).then(
        (part) => {
          parts[partNumber - 1] = part;
        },
        (error: unknown) => {
          failure ??= { error };
        },
      );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      if (inFlight.size >= conn.settings.partConcurrency) await Promise.race(inFlight);
      if (failure) throw failure.error;
      if (ended && pendingBytes === 0) break;
    }
    await Promise.all(inFlight);
    if (failure) throw (failure as { error: unknown }).error;
    const actual = hash.digest('hex');
    if (expected && expected !== actual) throw digestMismatch(conn.context('UploadPart', key), expected, actual);
    return await completeUpload(conn, t, uploadId, writer, parts);
  } catch (error) {
    await Promise.allSettled(inFlight);
    await abortUpload(conn, key, uploadId);
    body.destroy();
    throw error;
  }
}
