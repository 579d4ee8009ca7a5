import { defineAction } from '@aeroml/core';
import type { NDArray } from '@aeroml/handler-npy';
import { features } from './features.js';
import { preprocess, type Truth } from './preprocess.js';
import { predictRidge } from './ridge.js';
import { simPartitions } from './sims.js';
import { train, type TiltModel } from './train.js';

export interface Prediction extends Truth {
  predicted: number;
  baseline: number;
}

/** The model's tilt for each held-out simulation (valid and test), 1:1 on (split, sim). */
export const predict = defineAction({
  name: 'predict',
  group: 'model',
  type: 'predict',
  partitions: () => simPartitions('valid', 'test'),
  inputs: { model: train.output('model'), spectrum: preprocess.output('spectrum'), truth: preprocess.output('truth') },
  outputs: { prediction: { handler: 'json', path: '{split}/{sim:04d}/prediction.json' } },
  async run({ inputs, outputs }) {
    const model = await inputs.model.read<TiltModel>();
    const truth = await inputs.truth.read<Truth>();
    const prediction: Prediction = { ...truth, predicted: predictRidge(model, features(await inputs.spectrum.read<NDArray>())), baseline: model.baseline };
    await outputs.prediction.write(prediction);
  },
});
