import { defineErrors } from '@aeroml/core';
import rows from './errors.json';

export const PLUGIN = '@aeroml/ui';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const uiErrors = defineErrors(rows, { plugin: PLUGIN });

/** Error codes raised by @aeroml/ui (`aero ui`, `aero report`). Permanent: docs/errors.md lists them. */
export const UiErrorCodes = uiErrors.codesWithout('UI_');
/** An AeroError of this package with the message written where it is raised. */
export const uiError = uiErrors.create;
