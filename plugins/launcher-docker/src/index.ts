import { defineLauncher, type Launcher } from '@aeroml/core';
import { createDockerLauncher, VERSION } from './launcher.js';
import { dockerLauncherOptionsSchema, PLUGIN, type DockerLauncherOptions } from './options.js';

export { dockerLauncherOptionsSchema, dockerResourcesSchema, type DockerLauncherOptions, type DockerResources, type MountInput } from './options.js';
export { planContainer, type ContainerPlan, type Mount } from './plan.js';

/**
 * Runs each action instance in a container through the `docker` CLI or a compatible one
 * (`podman`): the project is mounted at the same absolute path so every path in the job
 * spec stays valid, and the worker is `aero exec --spec <job.json>` inside the image.
 */
export const dockerLauncher: (options?: DockerLauncherOptions) => Launcher = defineLauncher({
  name: (options) => options.name,
  packageName: PLUGIN,
  version: VERSION,
  factory: 'dockerLauncher',
  options: dockerLauncherOptionsSchema,
  setup: (options) => createDockerLauncher(options),
});

export default dockerLauncher;
