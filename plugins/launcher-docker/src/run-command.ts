import { spawn } from 'node:child_process';
import { AeroError } from '@aeroml/core';
import { PLUGIN } from './options.js';
import { DockerErrorCodes } from './errors.js';

export interface CommandOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runtimeMissing(runtime: string, error: NodeJS.ErrnoException): AeroError {
  return new AeroError(DockerErrorCodes.DOCKER_RUNTIME_NOT_FOUND, `Cannot run the container runtime \`${runtime}\` (${error.code}): it is not installed or not on PATH.`, {
    plugin: PLUGIN,
    hint: "Install Docker or Podman, or point dockerLauncher({ runtime: 'podman' }) at the CLI you have.",
    cause: error,
  });
}

/** Runs the container CLI once and collects its output; a missing binary is DOCKER_RUNTIME_NOT_FOUND. */
export function runRuntime(runtime: string, args: string[]): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(runtime, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' || error.code === 'EACCES' ? runtimeMissing(runtime, error) : error));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** The daemon-less failure modes of `docker`-style CLIs, named. */
export function daemonUnreachable(stderr: string): boolean {
  return /Cannot connect to the Docker daemon|Is the docker daemon running|connect: no such file or directory|unable to connect to Podman socket/i.test(stderr);
}
