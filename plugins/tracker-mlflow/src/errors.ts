import { defineErrors } from '@aeroml/core';
import rows from './errors.json';

export const PLUGIN = '@aeroml/tracker-mlflow';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const mlflowErrors = defineErrors(rows, { plugin: PLUGIN });

/** Error codes raised by @aeroml/tracker-mlflow (permanent: docs and tests refer to them). */
export const MlflowErrorCodes = mlflowErrors.codes;
export type MlflowErrorCode = (typeof MlflowErrorCodes)[keyof typeof MlflowErrorCodes];
/** An AeroError of this package with the message written where it is raised. */
export const mlflowError = mlflowErrors.create;
