import { createHash, hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** sha256 of a string or bytes, as lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  // One-shot (Node >= 20.12, engines says >= 20.19): no Hash object per call, ~3x faster
  // for the short texts of cache keys (one per instance).
  return hash('sha256', data, 'hex');
}

// 4 MiB reads keep the hash fed without holding large buffers; measured close to
// `openssl dgst` throughput (tools/bench/core).
const READ_CHUNK = 4 * 1024 * 1024;

/** Files up to this size are hashed with synchronous reads (see sha256File). */
const SMALL_FILE = 256 * 1024;

/**
 * Streams a file through sha256; returns hex digest and size. A small file (most outputs
 * of small actions) is read with synchronous calls: open, fstat, read, close take
 * microseconds, while four thread-pool round trips cost more than hashing it.
 */
export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const small = sha256SmallFileSync(path);
  if (small) return small;
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    // Small files get a small buffer: most artifacts are far below the chunk size.
    const { size: known } = await handle.stat();
    const chunk = Math.max(1, Math.min(READ_CHUNK, known + 1));
    const buffer = Buffer.allocUnsafe(chunk);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunk, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === chunk ? buffer : buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    await handle.close();
  }
}

/** Hashes the file if it is at most SMALL_FILE bytes; undefined for a bigger one. */
function sha256SmallFileSync(path: string): { sha256: string; size: number } | undefined {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > SMALL_FILE) return undefined;
    // One byte more than the size tells a file that grew meanwhile from one that did not.
    const buffer = Buffer.allocUnsafe(size + 1);
    let filled = 0;
    for (;;) {
      const n = readSync(fd, buffer, filled, buffer.length - filled, null);
      if (n === 0) break;
      filled += n;
      if (filled === buffer.length) return undefined; // it grew: take the streaming path
    }
    return { sha256: createHash('sha256').update(buffer.subarray(0, filled)).digest('hex'), size: filled };
  } finally {
    closeSync(fd);
  }
}

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped.
 * Used for every digest (manifests, cache keys) so equal values hash equally.
 */
export function canonicalJson(value: unknown): string {
  return flatCanonicalJson(value) ?? sortedCopyJson(value);
}

/** The definition: JSON of a copy with sorted keys (what flatCanonicalJson must equal; tests compare them). */
export function sortedCopyJson(value: unknown): string {
  return JSON.stringify(sortValue(value));
}

/**
 * The same text for the values cache keys are mostly made of (null, and plain objects
 * whose members are strings, finite numbers, booleans or lists of strings: output paths,
 * input digests, partitions) without the sorted copy; undefined for anything else.
 */
const INTEGER_KEY = /^(?:0|[1-9][0-9]*)$/;

function flatCanonicalJson(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  keys.sort();
  let text = '';
  for (const key of keys) {
    // The sorted copy cannot hold `__proto__` as a member, and puts integer-like keys first
    // in numeric order (object property order): both are left to it.
    if (key === '__proto__' || INTEGER_KEY.test(key)) return undefined;
    const v = (value as Record<string, unknown>)[key];
    let member: string;
    if (v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) member = JSON.stringify(v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) member = JSON.stringify(v);
    else return undefined;
    text += `${text ? ',' : ''}${JSON.stringify(key)}:${member}`;
  }
  return `{${text}}`;
}

function sortValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortValue(v)));
  if (value !== null && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortValue(v);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function digestOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
