import { defineLauncher } from '@aeroml/core';
import { createSlurmLauncher, VERSION, type SlurmLauncher } from './launcher.js';
import { checkOptions, PLUGIN, slurmLauncherOptionsSchema, type SlurmLauncherOptions } from './options.js';

export { slurmLauncherOptionsSchema, slurmResourcesSchema, type SlurmLauncherOptions, type SlurmResources } from './options.js';
export type { SlurmLauncher } from './launcher.js';
export type { SlurmCallCounters } from './run-command.js';
export { parseSqueueJson, parseScontrolShowJob, parseArrayTaskString, type TaskState } from './squeue.js';

/**
 * Runs action instances as Slurm jobs: each batch of ready instances of one action
 * becomes one job array (`sbatch --parsable --array=0-N%limit`), status comes from one
 * `squeue --json` per poll, Ctrl-C runs `scancel`.
 */
export const slurmLauncher: (options?: SlurmLauncherOptions) => SlurmLauncher = defineLauncher({
  name: (options) => options.name,
  packageName: PLUGIN,
  version: VERSION,
  factory: 'slurmLauncher',
  options: slurmLauncherOptionsSchema,
  setup: (options) => createSlurmLauncher(checkOptions(options)),
});

export default slurmLauncher;
