import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    // tsup strips `node:` from builtins in dist files (e.g. @aeroml/test-utils); in this
    // package vitest then resolves a bare `stream` as a path. Point it at the builtin.
    resolve: { alias: [{ find: /^stream$/, replacement: 'node:stream' }] },
    test: {
      globalSetup: ['test/global-setup.ts'],
      // The tests share one Slurm node (and one of them takes it down on purpose).
      fileParallelism: false,
      testTimeout: 180_000,
    },
  }),
);
