import { defineAction } from '@aeroml/core';
import { z } from 'zod';
import { generate, type Dataset } from './generate.js';
import { fit } from './model.js';

const params = z.object({
  model: z.object({ name: z.string(), hidden: z.number().int().min(0) }),
  trainer: z.object({
    epochs: z.number().int().min(1),
    lr: z.number().positive(),
    l2: z.number().min(0),
    schedule: z.object({ kind: z.enum(['constant', 'cosine']), min_lr: z.number().positive().optional() }),
  }),
  seed: z.number().int(),
});

/** Trains the model picked by the `model` config group with the `trainer` group's settings. */
export const train = defineAction({
  name: 'train',
  group: 'model',
  type: 'train-model',
  params,
  inputs: { dataset: generate.output('dataset') },
  outputs: { model: { handler: 'json' } },
  async run({ params: p, inputs, outputs, log }) {
    const data = await inputs.dataset.read<Dataset>();
    const model = fit(data.train.x, data.train.y, {
      hidden: p.model.hidden,
      ...p.trainer,
      seed: p.seed,
      onEpoch: (epoch, loss) => {
        if (epoch % 10 === 0 || epoch === p.trainer.epochs - 1) log.metric('loss', loss, epoch);
      },
    });
    await outputs.model.write(model);
  },
});
