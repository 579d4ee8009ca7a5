import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { expect } from 'vitest';

/** A short random id, safe in keys, paths and run names. */
export function randomId(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

/** Reads a stream to the end and returns its bytes. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Flattens a params tree into dot paths with string leaves, the common denominator of
 * trackers (MLflow stores `model.lr = "0.001"`, W&B keeps the tree). Arrays and null
 * become their JSON text.
 */
export function flattenParams(value: Record<string, unknown>, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, leaf] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (leaf !== null && typeof leaf === 'object' && !Array.isArray(leaf)) {
      flattenParams(leaf as Record<string, unknown>, path, out);
    } else if (typeof leaf === 'string') {
      out[path] = leaf;
    } else if (leaf === undefined) {
      continue;
    } else if (typeof leaf === 'number' || typeof leaf === 'boolean' || typeof leaf === 'bigint') {
      out[path] = String(leaf);
    } else {
      out[path] = JSON.stringify(leaf);
    }
  }
  return out;
}

/**
 * What every suite's "identifies itself" test checks: `kind`, a non-empty `name`, a
 * `version` string, and each of `methods` a function.
 */
export function expectIdentity(plugin: { kind: string; name: string; version: string }, kind: string, methods: readonly string[] = []): void {
  expect(plugin.kind).toBe(kind);
  expect(typeof plugin.name).toBe('string');
  expect(plugin.name.length).toBeGreaterThan(0);
  expect(typeof plugin.version).toBe('string');
  for (const method of methods) expect(typeof (plugin as unknown as Record<string, unknown>)[method]).toBe('function');
}
