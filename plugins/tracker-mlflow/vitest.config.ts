import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    resolve: {
      // Vitest 4.1 externalizes any import that starts with `distDir.slice(root.length)`; for
      // this package's root that prefix is "st", so a bare `stream` import (test-utils' dist)
      // became `<root>/stream`. Import the builtins by their `node:` name instead.
      alias: [{ find: /^(stream|string_decoder)(\/.*)?$/, replacement: 'node:$1$2' }],
    },
    test: {
      // Starts (installing on first use) the real MLflow server from tools/mlflow/start.sh.
      globalSetup: ['./test/support/global-setup.ts'],
      testTimeout: 180_000,
      hookTimeout: 300_000,
    },
  }),
);
