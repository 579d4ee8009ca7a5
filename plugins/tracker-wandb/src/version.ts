import pkg from '../package.json';

/** This package's version (W&B sees it in the User-Agent). */
export const VERSION: string = pkg.version;
