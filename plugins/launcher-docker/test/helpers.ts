import { fileURLToPath } from 'node:url';
import { jobSpec, launchContext, launcherWorkerScript, tempProject } from '@aeroml/test-utils';

// The stand-in worker, job specs and launch contexts are @aeroml/test-utils' launcher fixtures.
export const workerScript = launcherWorkerScript;
/** `local`: put beside a copy of the worker, it marks the project's copy of the code (--dev). */
export const localVariant = fileURLToPath(new URL('./fixtures/variant.txt', import.meta.url));
export const project = () => tempProject('aero-docker-test-');
export const spec = jobSpec;
export const context = launchContext;

export const IMAGE = 'localhost/aero-node:test';
export const podman = { runtime: 'podman', runtimeArgs: ['--runtime', 'runc', '--cgroup-manager=cgroupfs'], image: IMAGE, fileIntervalMs: 100 };
