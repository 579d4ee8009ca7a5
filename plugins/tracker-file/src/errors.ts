import { defineErrors } from '@aeroml/core';

export const PLUGIN = '@aeroml/tracker-file';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const fileTrackerErrors = defineErrors(
  {
    FILE_TRACKER_RUN_NOT_STARTED: { title: 'A call named a run this tracker was never told about with `startRun`', exit: 1, message: () => 'file tracker: logMetrics for run `r1`, which was never started with startRun.', hint: 'Call `startRun` first (the engine does).' },
    FILE_TRACKER_WRITE_FAILED: { title: 'A file under the run directory could not be written (disk full, permissions)', exit: 1, message: () => 'file tracker: cannot write /p/.aero/runs/r1/tracker.json (run status): ENOSPC: ...', hint: 'Free disk space; check permissions.' },
    FILE_TRACKER_RUN_NOT_FOUND: { title: '`readFileTracker` found no run recorded by the file tracker in that directory', exit: 1, message: () => 'file tracker: no run recorded in /p/.aero/runs/x (tracker.json is missing).', hint: 'Check the run id (`aero ps`).' },
    FILE_TRACKER_CORRUPT: { title: 'A recorded file is not valid JSON (a line in the middle of a `.jsonl`, or a `.json`), or a line of actions.jsonl is not an event', exit: 1, message: () => 'file tracker: /p/.../metrics.jsonl line 3 is not valid JSON: ...`, or ``.../actions.jsonl line 3 is not a file tracker event: unknown `event` "launch".`', hint: 'The file was edited; fix or delete that line.' },
    FILE_TRACKER_SCHEMA_UNSUPPORTED: { title: '`readFileTracker` found a run written in another on-disk format (`schema` in tracker.json)', exit: 1, message: () => 'file tracker: /p/.aero/runs/x was recorded in format 1 (`schema` in tracker.json); this version of @aeroml/tracker-file reads format 2.', hint: 'Format 1 (a folder per instance) came from an earlier build; read it with that version, or rerun.' },
  },
  { plugin: PLUGIN },
);

/** Error codes raised by @aeroml/tracker-file. */
export const FileTrackerErrorCodes = fileTrackerErrors.codesWithout('FILE_TRACKER_');
/** An AeroError of this package with the message written where it is raised. */
export const trackerError = fileTrackerErrors.create;
