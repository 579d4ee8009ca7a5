import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** sha256 of a string or bytes, as lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// 4 MiB reads keep the hash fed without holding large buffers; measured close to
// `openssl dgst` throughput (tools/bench/core).
const READ_CHUNK = 4 * 1024 * 1024;

/** Streams a file through sha256; returns hex digest and size. */
export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
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

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped.
 * Used for every digest (manifests, cache keys) so equal values hash equally.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortValue(value));
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
