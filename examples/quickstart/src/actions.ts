import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineAction } from '@aero/core';
import { z } from 'zod';
import { predict, rng, train as fit, type SoftmaxModel } from './model.js';

type Row = Record<string, string>;
const FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];

/** Reads the raw CSV shipped with the example and drops rows with missing measurements. */
export const ingest = defineAction({
  name: 'ingest',
  group: 'data',
  type: 'load-dataset',
  description: 'Load data/penguins.csv and drop incomplete rows',
  deps: ['data/penguins.csv'],
  params: z.object({ file: z.string().default('data/penguins.csv') }),
  outputs: { dataset: { handler: 'csv' } },
  async run({ params, outputs, cwd, log }) {
    const text = await readFile(join(cwd, params.file), 'utf8');
    const [header, ...lines] = text.trim().split('\n');
    const columns = header!.split(',');
    const rows = lines
      .map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i]!, v])) as Row)
      .filter((row) => FEATURES.every((f) => row[f] !== 'NA' && row[f] !== ''));
    log.info(`kept ${rows.length} of ${lines.length} rows`);
    await outputs.dataset.write(rows);
  },
});

/** Shuffles with a seeded PRNG and splits off a test set. */
export const split = defineAction({
  name: 'split',
  group: 'data',
  type: 'split-dataset',
  params: z.object({ testFraction: z.number().gt(0).lt(1).default(0.25), seed: z.number().int().default(42) }),
  inputs: { dataset: ingest.output('dataset') },
  outputs: { train: { handler: 'csv' }, test: { handler: 'csv' } },
  async run({ params, inputs, outputs, log }) {
    const rows = await inputs.dataset.read<Row[]>();
    const random = rng(params.seed);
    const shuffled = rows.map((row) => ({ row, key: random() })).sort((a, b) => a.key - b.key).map((r) => r.row);
    const cut = Math.round(shuffled.length * (1 - params.testFraction));
    await outputs.train.write(shuffled.slice(0, cut));
    await outputs.test.write(shuffled.slice(cut));
    log.info(`train ${cut} rows, test ${shuffled.length - cut} rows`);
  },
});

/** Trains a softmax classifier of species from the four body measurements. */
export const train = defineAction({
  name: 'train',
  group: 'model',
  type: 'train-model',
  params: z.object({ lr: z.number().positive().default(0.5), epochs: z.number().int().min(1).default(200), l2: z.number().min(0).default(1e-3) }),
  inputs: { train: split.output('train') },
  outputs: { model: { handler: 'json' } },
  async run({ params, inputs, outputs, log }) {
    const rows = await inputs.train.read<Row[]>();
    const model = fit(
      rows.map((r) => FEATURES.map((f) => Number(r[f]))),
      rows.map((r) => r.species!),
      FEATURES,
      { ...params, onEpoch: (epoch, loss) => log.metric('loss', loss, epoch) },
    );
    await outputs.model.write(model);
  },
});

/** Accuracy and a confusion matrix on the held-out rows. */
export const evaluate = defineAction({
  name: 'evaluate',
  group: 'model',
  type: 'evaluate-model',
  inputs: { model: train.output('model'), test: split.output('test') },
  outputs: { metrics: { handler: 'json' }, confusion: { handler: 'csv' } },
  async run({ inputs, outputs, log }) {
    const model = await inputs.model.read<SoftmaxModel>();
    const rows = await inputs.test.read<Row[]>();
    const counts = new Map<string, number>();
    let correct = 0;
    for (const row of rows) {
      const guess = predict(model, FEATURES.map((f) => Number(row[f])));
      if (guess === row.species) correct++;
      counts.set(`${row.species}|${guess}`, (counts.get(`${row.species}|${guess}`) ?? 0) + 1);
    }
    const accuracy = correct / rows.length;
    log.metric('accuracy', accuracy);
    log.info(`accuracy ${(accuracy * 100).toFixed(1)}% on ${rows.length} rows`);
    await outputs.metrics.write({ accuracy, rows: rows.length });
    await outputs.confusion.write(model.classes.map((actual) => ({ actual, ...Object.fromEntries(model.classes.map((p) => [p, String(counts.get(`${actual}|${p}`) ?? 0)])) })));
  },
});
