// A tiny linear-regression pipeline for engine tests: ingest -> train -> evaluate. The
// tests run it with localStore() from @aeroml/store-local, so blobs are real files.
import { readFile, writeFile } from 'node:fs/promises';
import { defineAction, type AssetHandler } from '@aeroml/core';
import { z } from 'zod';

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

