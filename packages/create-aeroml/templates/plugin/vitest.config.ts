import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The conformance suites stream tens of MiB (stores) or start the aero CLI (launchers).
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
