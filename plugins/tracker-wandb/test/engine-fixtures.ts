// A tiny linear-regression pipeline for engine tests: ingest -> train -> evaluate, with a
// directory store in the local layout (key = path under .aero) so blobs are real files.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { defineAction, type AssetHandler, type Store } from '@aero/core';
import { z } from 'zod';

/** A directory store with the local layout (key = path under `.aero`), for the engine to write real blobs. */
export function directoryStore(root: string): Store {
  const path = (key: string) => join(root, key);
  const bytes = async (body: Uint8Array | string | Readable) => {
    if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  };
  const exists = (key: string) => readFile(path(key)).then(() => true, () => false);
  return {
    kind: 'store',
    name: 'directory',
    version: '1.0.0',
    localRoot: root,
    has: exists,
    get: async (key) => ((await exists(key)) ? createReadStream(path(key)) : null),
    getBytes: async (key) => readFile(path(key)).catch(() => null),
    async put(key, body, options) {
      if (options?.ifAbsent && (await exists(key))) return { written: false };
      await mkdir(dirname(path(key)), { recursive: true });
      await writeFile(path(key), await bytes(body));
      return { written: true };
    },
    async *list(prefix) {
      const walk = async (dir: string, rel: string): Promise<string[]> => {
        const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
        const out: string[] = [];
        for (const e of entries) out.push(...(e.isDirectory() ? await walk(join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]));
        return out;
      };
      for (const key of await walk(root, '')) if (key.startsWith(prefix)) yield key;
    },
    delete: async (key) => rm(path(key), { force: true }),
  };
}

export const json: AssetHandler = {
  kind: 'handler',
  name: 'json',
  version: '1.0.0',
  extensions: ['json'],
  read: async (path) => JSON.parse(await readFile(path, 'utf8')),
  write: async (path, value) => writeFile(path, JSON.stringify(value)),
};

export const ingest = defineAction({
  name: 'ingest',
  group: 'data',
  type: 'load-dataset',
  params: z.object({ rows: z.number().int().default(20) }),
  outputs: { dataset: { handler: 'json' } },
  async run({ params, outputs }) {
    await outputs.dataset.write(Array.from({ length: params.rows }, (_, i) => ({ x: i, y: 2 * i + 1 })));
  },
});

export const train = defineAction({
  name: 'train',
  group: 'model',
  type: 'train-model',
  params: z.object({ lr: z.number().default(0.01), epochs: z.number().int().default(40) }),
  inputs: { dataset: ingest.output('dataset') },
  outputs: { model: { handler: 'json' } },
  async run({ params, inputs, outputs, log }) {
    const rows = await inputs.dataset.read<{ x: number; y: number }[]>();
    let w = 0;
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      let loss = 0;
      for (const r of rows) {
        const err = w * r.x - r.y;
        loss += err * err;
        w -= (params.lr * err * r.x) / rows.length;
      }
      log.metric('loss', loss / rows.length, epoch);
    }
    await outputs.model.write({ w });
  },
});

export const evaluate = defineAction({
  name: 'evaluate',
  type: 'evaluate',
  inputs: { model: train.output('model'), dataset: ingest.output('dataset') },
  outputs: { report: { handler: 'json' } },
  async run({ inputs, outputs, log }) {
    const { w } = await inputs.model.read<{ w: number }>();
    const rows = await inputs.dataset.read<{ x: number; y: number }[]>();
    const mae = rows.reduce((s, r) => s + Math.abs(w * r.x - r.y), 0) / rows.length;
    log.metric('mae', mae, 0);
    await outputs.report.write({ mae });
  },
});

