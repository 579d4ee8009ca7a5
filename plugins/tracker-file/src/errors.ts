import { defineErrors } from '@aeroml/core';
import rows from './errors.json';

export const PLUGIN = '@aeroml/tracker-file';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const fileTrackerErrors = defineErrors(rows, { plugin: PLUGIN });

/** Error codes raised by @aeroml/tracker-file. */
export const FileTrackerErrorCodes = fileTrackerErrors.codesWithout('FILE_TRACKER_');
/** An AeroError of this package with the message written where it is raised. */
export const trackerError = fileTrackerErrors.create;
