import { Readable } from 'node:stream';
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineAction, type AssetHandler, type Store } from '../src/index.js';

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

/**
 * source → square[i=0..2] (partitioned, logs a metric) → total (gathers): the small
 * pipeline the engine and cache tests run. `record` hears each step that really ran.
 */
export function squaresPipeline(record: (step: string) => void) {
  const source = defineAction({
    name: 'source',
    params: z.object({ n: z.number().int().default(3) }),
    outputs: { values: { handler: 'json' } },
    async run({ params, outputs }) {
      record('source');
      await outputs.values.write(Array.from({ length: params.n }, (_, i) => i));
    },
  });
  const square = defineAction({
    name: 'square',
    partitions: { i: [0, 1, 2] },
    inputs: { values: source.output('values') },
    outputs: { out: { handler: 'json', path: 'sq-{i:02d}.json' } },
    async run({ inputs, outputs, partition, log }) {
      record(`square${partition!.i}`);
      const v = (await inputs.values.read<number[]>())[Number(partition!.i)] ?? 0;
      log.metric('value', v * v);
      await outputs.out.write(v * v);
    },
  });
  const total = defineAction({
    name: 'total',
    inputs: { squares: square.output('out').all() },
    outputs: { sum: { handler: 'json' } },
    async run({ inputs, outputs }) {
      record('total');
      let sum = 0;
      for (const s of inputs.squares) sum += await s.read<number>();
      await outputs.sum.write(sum);
    },
  });
  return { source, square, total };
}
