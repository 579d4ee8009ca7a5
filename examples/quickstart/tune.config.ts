import { defineConfig } from '@aeroml/core';
import quickstart from './aero.config.js';

// The quick start's pipeline as it is, plus what `aero tune` searches: the learning rate
// and the L2 penalty, for the best test accuracy.
//   npx aero tune --config tune.config.ts
// Each trial is one cached run of the pipeline, so ingest and split run once for the whole
// study, and the best trial's `aero run` command (from `aero tune show`) is all cache hits
// with the plain aero.config.ts. The block lives here rather than in aero.config.ts so that
// `aero tune` given a space on the command line searches only that space.
export default defineConfig({
  ...quickstart,
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
