import { yamlConfig } from '@aeroml/config-yaml';
import { defineConfig } from '@aeroml/core';
import { evaluate } from './src/evaluate.js';
import { generate } from './src/generate.js';
import { train } from './src/train.js';

// Params come from conf/: conf/config.yaml picks one option per config group
// (model, data, trainer) and the command line changes the picks and the values:
//   aero run model=mlp trainer.lr=0.3
//   aero run -m model=linear,mlp data=blobs,rings      (a sweep: 4 runs)
export default defineConfig({
  project: 'hydra-style',
  actions: [generate, train, evaluate],
  plugins: [yamlConfig({ dir: 'conf' })],
});
