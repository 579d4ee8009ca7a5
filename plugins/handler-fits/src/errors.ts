import { defineErrors } from '@aeroml/core';
import rows from './errors.json';

export const PLUGIN = '@aeroml/handler-fits';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const fitsErrors = defineErrors(rows, { plugin: PLUGIN });

/** Error codes raised by @aeroml/handler-fits (documented in the README). */
export const FitsErrorCodes = fitsErrors.codesWithout('FITS_');
/** An AeroError of this package with the message written where it is raised. */
export const fitsError = fitsErrors.create;
