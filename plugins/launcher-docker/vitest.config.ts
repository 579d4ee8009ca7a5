import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    // tsup strips `node:` from builtins in dist files (e.g. @aeroml/test-utils); vitest may
    // then resolve a bare `stream` as a path. Point it at the builtin.
    resolve: { alias: [{ find: /^stream$/, replacement: 'node:stream' }] },
    test: {
      globalSetup: ['test/global-setup.ts'],
      // Containers are heavy on a 2-core machine: one test file at a time.
      fileParallelism: false,
    },
  }),
);
