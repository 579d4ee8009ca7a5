/** The package name, used to scope errors (`[aero] [@aeroml/store-s3] ...`). */
export const PLUGIN = '@aeroml/store-s3';
/** Kept in sync with package.json by the build (checked in a test). */
export const VERSION = '0.1.0';
