import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      globalSetup: ['test/global-setup.ts'],
      // The MinIO on loopback is shared; two files at a time keep a 2-core machine responsive.
      maxWorkers: 2,
      // The SDK's notice that releases after January 2027 need Node 22 (see README, Compatibility).
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  }),
);
