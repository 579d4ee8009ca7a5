import { defineAction } from '@aeroml/core';
import type { NDArray } from '@aeroml/handler-npy';
import { z } from 'zod';
import { features } from './features.js';
import { preprocess, type Truth } from './preprocess.js';
import { fitRidge, predictRidge, type RidgeModel } from './ridge.js';

export interface TiltModel extends RidgeModel {
  target: 'tilt';
  trainSize: number;
  /** The train-set mean tilt: the baseline a useful model must beat. */
  baseline: number;
}

/**
 * Ridge regression of the tilt on the log band powers, fitted on the train split.
 * Gathers every spectrum (`.all()`) and keeps the train split: an unpartitioned
 * consumer gathers all partitions of its producer (see docs/guides/partitions.md).
 */
export const train = defineAction({
  name: 'train',
  group: 'model',
  type: 'train-model',
  params: z.object({ alpha: z.number().min(0).default(1e-3) }),
  inputs: { spectra: preprocess.output('spectrum').all(), truths: preprocess.output('truth').all() },
  outputs: { model: { handler: 'json' } },
  async run({ params, inputs, outputs, log }) {
    const truthBySim = new Map<number, Truth>();
    for (const handle of inputs.truths) {
      if (handle.partition?.['split'] !== 'train') continue;
      truthBySim.set(Number(handle.partition['sim']), await handle.read<Truth>());
    }
    const x: number[][] = [];
    const y: number[] = [];
    for (const handle of inputs.spectra) {
      if (handle.partition?.['split'] !== 'train') continue;
      const truth = truthBySim.get(Number(handle.partition['sim']));
      if (!truth) throw new Error(`no truth for train simulation ${String(handle.partition['sim'])}`);
      x.push(features(await handle.read<NDArray>()));
      y.push(truth.tilt);
    }
    const { model, losses } = fitRidge(x, y, params.alpha);
    losses.forEach((loss, step) => log.metric('loss', loss, step + 1));
    const rmse = Math.sqrt(x.reduce((s, row, i) => s + (predictRidge(model, row) - y[i]!) ** 2, 0) / x.length);
    log.metric('train_rmse', rmse);
    log.info(`fitted ${model.weights.length} weights on ${x.length} train simulations in ${losses.length} CG steps; train RMSE ${rmse.toFixed(4)}`);
    const result: TiltModel = { target: 'tilt', trainSize: x.length, baseline: model.intercept, ...model };
    await outputs.model.write(result);
  },
});
