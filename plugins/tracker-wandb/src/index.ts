import { createWandbTracker, type WandbTracker } from './tracker.js';
import { defineTracker } from '@aeroml/core';
import { PLUGIN } from './errors.js';
import { wandbTrackerOptionsSchema, type WandbTrackerOptions } from './options.js';
import { VERSION } from './version.js';

export { wandbTrackerOptionsSchema, type WandbTrackerOptions, type ResolvedWandbOptions, type ResolveFile } from './options.js';
export { WandbErrorCodes, type WandbErrorCode } from './errors.js';
export type { WandbTracker } from './tracker.js';
export type { SendOutcome } from './sender.js';

/**
 * Weights & Biases tracker: one W&B run per action instance (group = the aero run,
 * job_type = the action type) plus one for the pipeline run, metrics as W&B history,
 * artifacts with lineage. Everything is spooled under the run folder first, so nothing
 * is lost offline or during an outage; `aero sync wandb` uploads what is left.
 *
 * ```ts
 * plugins: [wandbTracker({ project: 'my-project' })]
 * ```
 */
export const wandbTracker: (options?: WandbTrackerOptions) => WandbTracker = defineTracker({
  name: 'wandb',
  packageName: PLUGIN,
  version: VERSION,
  factory: 'wandbTracker',
  options: wandbTrackerOptionsSchema,
  setup: (options) => createWandbTracker(options),
});

export default wandbTracker;
