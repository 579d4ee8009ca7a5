import { defineAction } from '@aeroml/core';
import { z } from 'zod';
import { generate, type Dataset } from './generate.js';
import { predict, type Model } from './model.js';
import { train } from './train.js';

/** Test-set accuracy of the trained model. */
export const evaluate = defineAction({
  name: 'evaluate',
  group: 'model',
  type: 'evaluate',
  params: z.object({ run_name: z.string() }),
  inputs: { model: train.output('model'), dataset: generate.output('dataset') },
  outputs: { report: { handler: 'json' } },
  async run({ params, inputs, outputs, log }) {
    const model = await inputs.model.read<Model>();
    const data = await inputs.dataset.read<Dataset>();
    const correct = data.test.x.filter((x, i) => (predict(model, x) >= 0.5 ? 1 : 0) === data.test.y[i]).length;
    const accuracy = correct / data.test.y.length;
    log.metric('accuracy', accuracy);
    log.info(`${params.run_name}: accuracy ${accuracy.toFixed(3)}`);
    await outputs.report.write({ run: params.run_name, accuracy, test: data.test.y.length });
  },
});
