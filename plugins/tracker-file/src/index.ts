export { fileTracker, type FileTracker } from './tracker.js';
export { readFileTracker, readMetrics } from './read.js';
export type { FileTrackerRecord, RecordedAction, RecordedArtifact, RecordedScope } from './read.js';
export { fileTrackerOptionsSchema } from './options.js';
export type { FileTrackerOptions } from './options.js';
export { FileTrackerErrorCodes } from './errors.js';
export { Files } from './format.js';
export type { ActionEvent, ArtifactLine, EndFields, MetricLine, StartFields, StatusJson, TrackerJson } from './format.js';
