import { defineConfig } from '@aeroml/core';
import { evaluate } from './src/evaluate.js';
import { fit } from './src/fit.js';
import { generate } from './src/generate.js';

// No plugins listed: aero uses its embedded defaults (a local .aero store, the file
// tracker, text/json/csv handlers). Change a param on the command line:
//   npx aero run fit.epochs=500      (only fit and evaluate run again)
export default defineConfig({
  project: '{{project}}',
  actions: [generate, fit, evaluate],
  params: {
    generate: { n: 200, noise: 0.1 },
  },
});
