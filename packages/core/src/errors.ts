/**
 * Errors: the AeroError class and the catalogue every package declares its codes in
 * (packages/core/src/errors/). This file keeps the `./errors.js` import path of the core.
 */
export { AeroError, AeroAggregateError, isAeroError, type AeroErrorOptions } from './errors/aero-error.js';
export { defineErrors, type Catalogue, type CatalogueOptions, type CodesWithout, type ErrorRow, type ErrorSpec } from './errors/catalogue.js';
export { lookupError, listErrors, type ErrorEntry, type ExitCode } from './errors/registry.js';
import { configErrors, coreErrors, reproduceErrors, tuneErrors } from './errors/core-codes.js';
export { configErrors, coreErrors, reproduceErrors, tuneErrors };

/** Error codes raised by @aeroml/core (`ErrorCodes.PLAN_CYCLE === 'PLAN_CYCLE'`). Plugins declare their own with `defineErrors`. */
export const ErrorCodes = { ...coreErrors.codes, ...reproduceErrors.codes, ...tuneErrors.codes } as const;
export type CoreErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
