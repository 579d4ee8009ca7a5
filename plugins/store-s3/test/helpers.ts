import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { s3Store, type S3Store, type S3StoreOptions } from '../src/index.js';
import { readS3Env } from './env.js';

export const env = readS3Env();
export const MiB = 1024 * 1024;

/** Hex sha256 of some bytes. */
export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** The store key of a blob in the content-addressed layout. */
export const blobKey = (hex: string) => `objects/sha256/${hex.slice(0, 2)}/${hex}`;

/** A fresh key prefix under this test run's root (removed by the global teardown). */
export function uniquePrefix(label: string): string {
  return `${inject('s3TestRoot')}/${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function tempDir(label = 'store-s3'): Promise<string> {
  return mkdtemp(join(tmpdir(), `aero-${label}-`));
}

/** A store on the local MinIO with a fresh prefix and its own cache dir unless overridden. */
export async function makeStore(overrides: Partial<S3StoreOptions> = {}): Promise<S3Store> {
  return s3Store({
    bucket: env.bucket,
    endpoint: env.endpoint,
    region: env.region,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    prefix: uniquePrefix('store'),
    cacheDir: join(await tempDir('cache'), 'cache'),
    ...overrides,
  });
}

/** A plain SDK client for checking what really is in the bucket. */
export function rawClient(): S3Client {
  return new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Deterministic pseudo-random bytes (fast xorshift), different per seed. */
export function patternBytes(size: number, seed = 1): Buffer {
  const buf = Buffer.allocUnsafe(size + ((4 - (size % 4)) % 4));
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < buf.length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf.writeUInt32LE(x, i);
  }
  return buf.subarray(0, size);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
