import { defineConfig } from 'tsup';
import { aeroTsup } from '../../tsup.config.base';

// ES modules only: vitest cannot be loaded with require(), so a CommonJS build of the
// conformance suites could never run (tools/package-meta/meta.mjs lists the exception).
export default defineConfig(aeroTsup(['src/index.ts'], { format: ['esm'] }));
