import { yamlConfig } from '@aeroml/config-yaml';
import { defineConfig } from '@aeroml/core';
import { evaluate } from './src/evaluate.js';
import { fit } from './src/fit.js';
import { generate } from './src/generate.js';

// Params come from conf/: conf/config.yaml picks one option per config group and the
// command line changes the picks and the values:
//   npx aero run data=noisy model.lr=0.05
//   npx aero run -m data=clean,noisy            (a sweep: one run per data set)
export default defineConfig({
  project: '{{project}}',
  actions: [generate, fit, evaluate],
  plugins: [yamlConfig({ dir: 'conf' })],
});
