import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

// Containers are heavy on a 2-core machine: one test file at a time.
export default mergeConfig(base, defineConfig({ test: { globalSetup: ['test/global-setup.ts'], fileParallelism: false } }));
