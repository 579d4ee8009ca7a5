export { fileTracker } from './tracker.js';
export type { TrackerFile } from './tracker.js';
export { fileTrackerOptionsSchema, type FileTrackerOptions } from './options.js';
export { readFileTracker, readMetrics, type FileTrackerRun, type ReadScope, type ReadMetric } from './read.js';
