import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

// The tests share one Slurm node (and one of them takes it down on purpose): one file at a time.
export default mergeConfig(base, defineConfig({ test: { globalSetup: ['test/global-setup.ts'], fileParallelism: false, testTimeout: 180_000 } }));
