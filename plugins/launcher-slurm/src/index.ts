import { createSlurmLauncher, type SlurmLauncher } from './launcher.js';
import { parseOptions, type SlurmLauncherOptions } from './options.js';

export { slurmLauncherOptionsSchema, slurmResourcesSchema, type SlurmLauncherOptions, type SlurmResources } from './options.js';
export type { SlurmLauncher } from './launcher.js';
export type { SlurmCallCounters } from './run-command.js';
export { parseSqueueJson, parseScontrolShowJob, parseArrayTaskString, type TaskState } from './squeue.js';

/**
 * Runs action instances as Slurm jobs: each batch of ready instances of one action
 * becomes one job array (`sbatch --parsable --array=0-N%limit`), status comes from one
 * `squeue --json` per poll, Ctrl-C runs `scancel`.
 */
export function slurmLauncher(options: SlurmLauncherOptions = {}): SlurmLauncher {
  return createSlurmLauncher(parseOptions(options));
}

export default slurmLauncher;
