import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      globalSetup: ['test/global-setup.ts'],
      // The tests share one Slurm node (and one of them takes it down on purpose).
      fileParallelism: false,
      testTimeout: 180_000,
    },
  }),
);
