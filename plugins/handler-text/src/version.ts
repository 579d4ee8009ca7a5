import pkg from '../package.json' with { type: 'json' };

/** Published version; part of every cache key that uses these handlers. */
export const VERSION: string = pkg.version;
