import { version } from '../package.json';
/** The package name, used to scope errors (`[aero] [@aeroml/store-s3] ...`). */
export const PLUGIN = '@aeroml/store-s3';
/** From package.json, inlined by the build. */
export const VERSION: string = version;
