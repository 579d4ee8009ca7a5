import { createDockerLauncher } from './launcher.js';
import { parseOptions, type DockerLauncherOptions } from './options.js';
import type { Launcher } from '@aeroml/core';

export { dockerLauncherOptionsSchema, dockerResourcesSchema, type DockerLauncherOptions, type DockerResources, type MountInput } from './options.js';
export { planContainer, type ContainerPlan, type Mount } from './plan.js';

/**
 * Runs each action instance in a container through the `docker` CLI or a compatible one
 * (`podman`): the project is mounted at the same absolute path so every path in the job
 * spec stays valid, and the worker is `aero exec --spec <job.json>` inside the image.
 */
export function dockerLauncher(options: DockerLauncherOptions = {}): Launcher {
  return createDockerLauncher(parseOptions(options));
}

export default dockerLauncher;
