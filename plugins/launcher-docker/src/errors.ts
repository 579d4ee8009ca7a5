import { defineErrors } from '@aeroml/core';
import { PLUGIN } from './options.js';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const dockerErrors = defineErrors(
  {
    DOCKER_DAEMON_UNREACHABLE: { title: 'the container runtime cannot reach its daemon', exit: 1, message: () => 'The container runtime `docker` cannot reach its daemon: <stderr>', hint: 'Start the daemon or use `runtime: \'podman\'`.' },
    DOCKER_IMAGE_NOT_FOUND: { title: 'the image is not in local storage and `pull` is `\'never\'`', exit: 1, message: () => 'The image `x` is not present in docker\'s local storage and pull is \'never\'.', hint: 'Build/load it, or allow pulls.' },
    DOCKER_IMAGE_PULL_FAILED: { title: 'pulling the image failed', exit: 1, message: () => 'Could not pull the image `x` with docker: <last stderr line>', hint: 'Check name and registry access.' },
    DOCKER_JOB_FAILED: { title: 'a container exited (or was killed) without writing `result.json`; the log tail is quoted', exit: 1, message: (p: { action: string; image: string; how: string }) => `The container for \`${p.action}\` (image ${p.image}) ${p.how} without writing result.json.`, hint: 'Rerun with the same image by hand: the hint prints the `docker run` command.' },
    DOCKER_JOB_TIMEOUT: { title: 'a container ran past its timeout and was stopped', exit: 1, message: (p: { action: string; image: string; timeoutMs: string }) => `The container for \`${p.action}\` (image ${p.image}) was stopped after its timeout of ${p.timeoutMs} ms without writing result.json.`, hint: 'Raise the action’s timeout.' },
    DOCKER_NO_IMAGE: { title: 'no image is configured for an action', exit: 1, message: () => 'No container image for action `x`: set dockerLauncher({ image }) or resources.docker.image…', hint: 'Set an image.' },
    DOCKER_RESOURCES_INVALID: { title: 'an action\'s `resources.docker` is invalid', exit: 1, message: () => 'Invalid container resources for action `x`: + problems', hint: 'Fix `resources.docker`.' },
    DOCKER_RUNTIME_NOT_FOUND: { title: 'the container runtime is not installed or not on PATH', exit: 1, message: () => 'Cannot run the container runtime `docker` (ENOENT): it is not installed or not on PATH.', hint: 'Install Docker/Podman or set `runtime`.' },
  },
  { plugin: PLUGIN },
);

/** `dockerErrors.codes` under a shorter name for the places that raise them. */
export const DockerErrorCodes = dockerErrors.codes;
