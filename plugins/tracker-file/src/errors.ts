import { AeroError, type AeroErrorOptions } from '@aeroml/core';

export const PLUGIN = '@aeroml/tracker-file';

/** Error codes raised by @aeroml/tracker-file. */
export const FileTrackerErrorCodes = {
  /** A call named a run this tracker was never told about with `startRun`. */
  RUN_NOT_STARTED: 'FILE_TRACKER_RUN_NOT_STARTED',
  /** A file under the run directory could not be written (disk full, permissions). */
  WRITE_FAILED: 'FILE_TRACKER_WRITE_FAILED',
  /** `readFileTracker` found no run recorded by the file tracker in that directory. */
  RUN_NOT_FOUND: 'FILE_TRACKER_RUN_NOT_FOUND',
  /** A recorded file is not valid JSON (a line in the middle of a `.jsonl`, or a `.json`), or a line of actions.jsonl is not an event. */
  CORRUPT: 'FILE_TRACKER_CORRUPT',
  /** `readFileTracker` found a run written in another on-disk format (`schema` in tracker.json). */
  SCHEMA_UNSUPPORTED: 'FILE_TRACKER_SCHEMA_UNSUPPORTED',
} as const;

export function trackerError(code: string, message: string, options: Omit<AeroErrorOptions, 'plugin'> = {}): AeroError {
  return new AeroError(code, message, { ...options, plugin: PLUGIN });
}
