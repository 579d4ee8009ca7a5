import pkg from '../package.json';

/** This package's version (the tracker's `version`). */
export const VERSION: string = pkg.version;
