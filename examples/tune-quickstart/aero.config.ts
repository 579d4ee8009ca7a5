import { defineConfig } from '@aeroml/core';
import { evaluate } from './src/evaluate.js';
import { ingest } from './src/ingest.js';
import { split } from './src/split.js';
import { train } from './src/train.js';

// The quick start's penguin classifier, tuned: `npx aero tune` searches the learning rate
// and the L2 penalty for the best test accuracy. Each trial is one cached run of the
// pipeline; ingest and split are the same in every trial, so they run once.
export default defineConfig({
  project: 'penguins-tune',
  actions: [ingest, split, train, evaluate],
  params: {
    train: { lr: 0.5, epochs: 200 },
  },
  tune: {
    space: {
      'train.lr': 'tag(log, interval(0.01, 2))',
      'train.l2': 'tag(log, interval(1e-5, 1e-1))',
    },
    fixed: ['train.epochs=100'],
    objective: 'evaluate.accuracy',
    direction: 'maximize',
    trials: 20,
    sampler: 'tpe',
  },
});
