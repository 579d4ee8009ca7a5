import { defineConfig } from 'tsup';

// ESM for Node 20, with bundled type declarations: what `npm publish` ships from dist/.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
});
