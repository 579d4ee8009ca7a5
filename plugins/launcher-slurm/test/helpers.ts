import { jobSpec, launchContext, tempProject } from '@aeroml/test-utils';

// The stand-in worker, job specs and launch contexts are @aeroml/test-utils' launcher fixtures.
export const project = () => tempProject('aero-slurm-test-');
export const spec = jobSpec;
export const context = launchContext;

export const fast = { pollIntervalMs: 300, maxPollIntervalMs: 2_000, fileIntervalMs: 100, resultGraceMs: 500 };
