export type * from './plugin.js';
export { silentLogger } from './plugin.js';
export type * from './store.js';
export type * from './handler.js';
export type * from './tracker.js';
export type * from './artifact.js';
export type * from './launcher.js';
export type * from './config-loader.js';
