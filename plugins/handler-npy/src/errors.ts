import { defineErrors } from '@aeroml/core';
import rows from './errors.json';

export const PLUGIN = '@aeroml/handler-npy';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const npyErrors = defineErrors(rows, { plugin: PLUGIN });

/** Error codes raised by @aeroml/handler-npy (documented in the README). */
export const NpyErrorCodes = npyErrors.codesWithout('NPY_');
/** An AeroError of this package with the message written where it is raised. */
export const npyError = npyErrors.create;
