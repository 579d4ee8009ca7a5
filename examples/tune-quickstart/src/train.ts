import { defineAction } from '@aeroml/core';
import { z } from 'zod';
import { train as fit } from './model.js';
import { FEATURES, type Row } from './rows.js';
import { split } from './split.js';

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
