import { defineConfig } from '@aeroml/core';
import { fitsHandler } from '@aeroml/handler-fits';
import { npyHandlers } from '@aeroml/handler-npy';
import { evaluate } from './src/evaluate.js';
import { predict } from './src/predict.js';
import { preprocess } from './src/preprocess.js';
import { simCounts } from './src/sims.js';
import { simulate } from './src/simulate.js';
import { train } from './src/train.js';

// Simulations per split live in sims.json (see src/sims.ts for why not in `params`).
// Checked once here, so a bad file is one clear error before anything is planned.
simCounts();

// Store, tracker and the text/json/csv/bytes handlers are the embedded defaults;
// FITS and NPY come from the two handler plugins.
export default defineConfig({
  project: 'cmb-sims',
  actions: [simulate, preprocess, train, predict, evaluate],
  plugins: [fitsHandler(), npyHandlers()],
  params: {
    simulate: { seed: 20261122, size: 64, tilt: { min: -3, max: -1 }, noise: 2 },
    preprocess: { bins: 16 },
    train: { alpha: 1e-3 },
  },
});
