import { defineTracker } from '@aeroml/core';
import { PLUGIN } from './errors.js';
import { mlflowTrackerOptionsSchema, resolveMlflowTrackerOptions, type MlflowTrackerOptions } from './options.js';
import { VERSION } from './version.js';
import { createMlflowTracker, type MlflowTracker } from './tracker.js';

/**
 * Tracks aero runs on an MLflow tracking server: one parent run per pipeline run, one
 * nested run per action instance, params, metrics (log-batch), artifacts through the
 * server's artifact proxy. Nothing is lost when the server is down: events are spooled under
 * the run folder and sent later (`aero sync`).
 *
 * ```ts
 * plugins: [mlflowTracker({ trackingUri: 'http://127.0.0.1:5000' })]
 * ```
 */
export const mlflowTracker: (options?: MlflowTrackerOptions) => MlflowTracker = defineTracker({
  name: (options) => options.name,
  packageName: PLUGIN,
  version: VERSION,
  factory: 'mlflowTracker',
  options: mlflowTrackerOptionsSchema,
  setup: (options) => createMlflowTracker(resolveMlflowTrackerOptions(options)),
});

export { mlflowTrackerOptionsSchema, parseMlflowTrackerOptions } from './options.js';
export type { MlflowTrackerOptions, MlflowTrackerSettings, ResolveFile, StoreLike } from './options.js';
export type { MlflowTracker } from './tracker.js';
export { loadArtifact } from './load-artifact.js';
export type { LoadArtifactOptions, LoadedArtifact } from './load-artifact.js';
export { MlflowClient, MlflowRequestError, isMlflowRequestError, LOG_BATCH_LIMITS, VALUE_LIMITS } from './client/client.js';
export type { MlflowClientOptions, MetricWire, RunStatusName, KeyValue, MlflowExperiment, MlflowMetric, MlflowRun, MlflowRunInfo } from './client/client.js';
export { MlflowErrorCodes, PLUGIN } from './errors.js';
export type { MlflowErrorCode } from './errors.js';
export { flattenParams } from './mapping.js';
export { spoolDirName } from './spool.js';
