import { defineConfig } from 'tsup';

// Standalone, as in a package outside the aero repository: ESM for Node 20 with bundled
// type declarations, what package.json's exports point at.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
});
