import { AeroError } from '@aeroml/core';
import { PLUGIN, type ResolvedDockerOptions } from './options.js';
import { daemonUnreachable, runRuntime } from './run-command.js';
import { DockerErrorCodes } from './errors.js';

/**
 * Makes sure each image exists locally once per launcher: `image inspect`, then `pull`
 * according to the pull policy. Concurrent jobs on the same image share one check.
 */
export function imageChecker(options: ResolvedDockerOptions) {
  const checks = new Map<string, Promise<void>>();
  const rt = (args: string[]) => runRuntime(options.runtime, [...options.runtimeArgs, ...args]);

  const unreachable = (stderr: string) =>
    new AeroError(DockerErrorCodes.DOCKER_DAEMON_UNREACHABLE, `The container runtime \`${options.runtime}\` cannot reach its daemon: ${stderr.trim()}`, {
      plugin: PLUGIN,
      hint: "Start the Docker daemon, or use a daemon-less runtime: dockerLauncher({ runtime: 'podman' }).",
    });

  async function check(image: string): Promise<void> {
    if (options.pull !== 'always') {
      const inspect = await rt(['image', 'inspect', image]);
      if (inspect.code === 0) return;
      if (daemonUnreachable(inspect.stderr)) throw unreachable(inspect.stderr);
      if (options.pull === 'never') {
        throw new AeroError(DockerErrorCodes.DOCKER_IMAGE_NOT_FOUND, `The image \`${image}\` is not present in ${options.runtime}'s local storage and pull is 'never'.`, {
          plugin: PLUGIN,
          hint: `Build or load it first (\`${options.runtime} build -t ${image} .\` or \`${options.runtime} load\`), or set dockerLauncher({ pull: 'missing' }).`,
        });
      }
    }
    const pull = await rt(['pull', image]);
    if (pull.code !== 0) {
      if (daemonUnreachable(pull.stderr)) throw unreachable(pull.stderr);
      const last = pull.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${pull.code}`;
      throw new AeroError(DockerErrorCodes.DOCKER_IMAGE_PULL_FAILED, `Could not pull the image \`${image}\` with ${options.runtime}: ${last}`, {
        plugin: PLUGIN,
        hint: `Check the image name and registry access, or build the image locally and set dockerLauncher({ pull: 'never' }).`,
        details: { stderr: pull.stderr },
      });
    }
  }

  return (image: string): Promise<void> => {
    let p = checks.get(image);
    if (!p) {
      p = check(image);
      checks.set(image, p);
      // A failed check is retried by the next job instead of being remembered forever.
      p.catch(() => checks.delete(image));
    }
    return p;
  };
}
