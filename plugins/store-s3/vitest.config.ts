import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      globalSetup: ['test/global-setup.ts'],
      // The MinIO on loopback is shared; two files at a time keep a 2-core machine responsive.
      maxWorkers: 2,
    },
  }),
);
