import { defineConfig } from '@aeroml/core';
import { evaluate } from './src/evaluate.js';
import { ingest } from './src/ingest.js';
import { split } from './src/split.js';
import { train } from './src/train.js';

// No plugins listed: aero uses the embedded defaults (local .aero store, file tracker,
// text/json/csv handlers). Add e.g. mlflowTracker() or s3Store() to `plugins` to share.
export default defineConfig({
  project: 'penguins',
  actions: [ingest, split, train, evaluate],
  params: {
    train: { lr: 0.5, epochs: 200 },
  },
});
