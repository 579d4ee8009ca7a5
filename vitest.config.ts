import { defineConfig } from 'vitest/config';

// Shared defaults; each package's vitest.config.ts merges this.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
