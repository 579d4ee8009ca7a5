export * from './contracts/index.js';
export * from './errors.js';
export * from './define.js';
export * from './overrides/index.js';
