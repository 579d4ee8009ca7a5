export { describeStore } from './store.js';
export type { DescribeStoreOptions, StoreFactory } from './store.js';
export { describeTracker } from './tracker.js';
export type {
  DescribeTrackerOptions,
  TrackerFactory,
  TrackerReadBack,
  TrackerReadBackContext,
  TrackedScope,
  TrackedMetric,
  TrackedArtifact,
} from './tracker.js';
export { describeHandler } from './handler.js';
export type { DescribeHandlerOptions, HandlerFactory, HandlerSample } from './handler.js';
export { flattenParams, readAll, collect } from './util.js';
export { describeLauncher } from './launcher.js';
export type { DescribeLauncherOptions } from './launcher.js';
export { runAero, aeroCliEnv, latestRunOutputs } from './run-aero.js';
export type { RunAeroOptions, AeroCliResult } from './run-aero.js';
export { describeConfigLoader } from './config-loader.js';
export type { DescribeConfigLoaderOptions, ConfigLoaderFactory, ProjectFiles, RefusedInput } from './config-loader.js';
export { useTempDir, rejection, thrown, pluginRejection, pluginOptionsError, requireBuilt, closedPort, writeProject, copyProject } from './fixtures.js';
export type { TempDir } from './fixtures.js';
export { referencePython, pythonReference, runSetupScript } from './python-reference.js';
export { markdownBlocks, aeroCommands } from './docs-examples.js';
export type { MarkdownBlock } from './docs-examples.js';
export { launcherWorkerScript, launcherWorkerExec, workerOutputPath, tempProject, jobSpec, launchContext } from './launcher-fixtures.js';
export { launcherPipelineSource, nullTrackerSource } from './launcher-pipeline.js';
export type { LauncherPipelineOptions } from './launcher-pipeline.js';
export { trackerActionInfo } from './tracker-fixtures.js';
export { runEngineTwice, storedFiles } from './engine-run.js';
