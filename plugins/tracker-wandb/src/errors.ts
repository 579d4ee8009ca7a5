import { defineErrors } from '@aeroml/core';
import rows from './errors.json';

export const PLUGIN = '@aeroml/tracker-wandb';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const wandbErrors = defineErrors(rows, { plugin: PLUGIN });

/** Error codes raised by @aeroml/tracker-wandb (permanent: docs and tests refer to them). */
export const WandbErrorCodes = wandbErrors.codes;
export type WandbErrorCode = (typeof WandbErrorCodes)[keyof typeof WandbErrorCodes];
/** An AeroError of this package with the message written where it is raised. */
export const wandbError = wandbErrors.create;
