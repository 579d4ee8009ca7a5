import { defineAction } from '@aeroml/core';
import { predict, type SoftmaxModel } from './model.js';
import { FEATURES, type Row } from './rows.js';
import { split } from './split.js';
import { train } from './train.js';

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
