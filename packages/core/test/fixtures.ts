import { Readable } from 'node:stream';
import { readFile, writeFile } from 'node:fs/promises';
import type { AssetHandler, Store } from '../src/index.js';

/** A complete in-memory Store (for engine tests that should not depend on a plugin). */
export function memoryStore(): Store & { data: Map<string, Buffer> } {
  const data = new Map<string, Buffer>();
  const toBuffer = async (body: Uint8Array | string | Readable): Promise<Buffer> => {
    if (typeof body === 'string') return Buffer.from(body);
    if (body instanceof Uint8Array) return Buffer.from(body);
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  };
  return {
    kind: 'store',
    name: 'memory',
    version: '0.0.0',
    data,
    has: async (key) => data.has(key),
    get: async (key) => (data.has(key) ? Readable.from([data.get(key)!]) : null),
    getBytes: async (key) => data.get(key) ?? null,
    put: async (key, body, options) => {
      const bytes = await toBuffer(body);
      if (options?.ifAbsent && data.has(key)) return { written: false };
      data.set(key, bytes);
      return { written: true };
    },
    async *list(prefix) {
      for (const key of [...data.keys()]) if (key.startsWith(prefix)) yield key;
    },
    delete: async (key) => void data.delete(key),
  };
}

export function jsonHandler(): AssetHandler {
  return {
    kind: 'handler',
    name: 'json',
    version: '1.0.0',
    extensions: ['json'],
    read: async (path) => JSON.parse(await readFile(path, 'utf8')),
    write: async (path, value) => writeFile(path, JSON.stringify(value)),
  };
}
