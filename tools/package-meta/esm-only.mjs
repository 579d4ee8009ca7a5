/**
 * Packages published as ES modules only: `@aeroml/test-utils` is used inside vitest, and
 * vitest refuses to be loaded with `require()`, so a CommonJS build could never work.
 * Every other public package is dual (ESM and CommonJS).
 */
export const ESM_ONLY = new Set(['@aeroml/test-utils']);
