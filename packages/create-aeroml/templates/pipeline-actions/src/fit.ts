import { defineAction } from '@aeroml/core';
import { z } from 'zod';
import { generate, type Point } from './generate.js';

export interface Line {
  a: number;
  b: number;
}

/** Fits y = a·x + b by gradient descent on the mean squared error. */
export const fit = defineAction({
  name: 'fit',
  group: 'model',
  type: 'train-model',
  params: z.object({ lr: z.number().positive().default(0.1), epochs: z.number().int().min(1).default(300) }),
  inputs: { train: generate.output('train') },
  outputs: { model: { handler: 'json' } },
  async run({ params, inputs, outputs, log }) {
    const points = await inputs.train.read<Point[]>();
    let a = 0;
    let b = 0;
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      let ga = 0;
      let gb = 0;
      for (const p of points) {
        const err = a * p.x + b - p.y;
        ga += (2 * err * p.x) / points.length;
        gb += (2 * err) / points.length;
      }
      a -= params.lr * ga;
      b -= params.lr * gb;
      if (epoch % 10 === 0) log.metric('mse', points.reduce((s, p) => s + (a * p.x + b - p.y) ** 2, 0) / points.length, epoch);
    }
    log.info(`fit a=${a.toFixed(3)} b=${b.toFixed(3)}`);
    await outputs.model.write({ a, b } satisfies Line);
  },
});
