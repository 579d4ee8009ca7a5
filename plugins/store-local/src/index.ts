export { localStore } from './store.js';
export type { LocalStore } from './store.js';
export { localStoreOptionsSchema } from './options.js';
export type { LocalStoreOptions } from './options.js';
export { LocalStoreErrorCodes } from './errors.js';
export { TEMP_PREFIX } from './keys.js';
