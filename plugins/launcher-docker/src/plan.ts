import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { AeroError, type JobSpec } from '@aeroml/core';
import { dockerResourcesSchema, formatIssues, PLUGIN, type DockerResources, type MountInput, type ResolvedDockerOptions } from './options.js';
import { DockerErrorCodes } from './errors.js';

export interface Mount {
  source: string;
  target: string;
  readonly: boolean;
}

/** Everything needed to start one job's container. */
export interface ContainerPlan {
  image: string;
  name: string;
  /** Arguments after the runtime binary: global flags, `run`, flags, image, command. */
  argv: string[];
  mounts: Mount[];
  /** The spec as the worker inside sees it (paths mapped into the container). */
  containerSpec: JobSpec;
  /** Host path of the spec file the worker reads; job.json itself when no path changes. */
  hostSpecPath: string;
}

const inside = (path: string, dir: string) => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

export function parseMount(input: MountInput): Mount {
  if (typeof input !== 'string') return { source: resolve(input.source), target: input.target ?? resolve(input.source), readonly: input.readonly ?? false };
  const [source = '', target, mode] = input.split(':');
  return { source: resolve(source), target: target || resolve(source), readonly: mode === 'ro' };
}

/**
 * The directory to mount so the engine's aero CLI runs inside the container: the highest
 * ancestor of the CLI script that has a node_modules folder (a project or a monorepo root).
 */
export function aeroInstallRoot(script: string): string | undefined {
  if (!isAbsolute(script) || !existsSync(script)) return undefined;
  let found: string | undefined;
  for (let dir = dirname(script); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules')) && statSync(join(dir, 'node_modules')).isDirectory()) found = dir;
  }
  return found;
}

export function jobResources(spec: JobSpec): DockerResources {
  if (spec.resources.docker === undefined) return {};
  const parsed = dockerResourcesSchema.safeParse(spec.resources.docker);
  if (parsed.success) return parsed.data;
  const lines = formatIssues(`${spec.action}.resources.docker`, parsed.error);
  throw new AeroError(DockerErrorCodes.DOCKER_RESOURCES_INVALID, `Invalid container resources for action \`${spec.action}\`:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
    plugin: PLUGIN,
    hint: 'resources.docker accepts image, network, user, env, mounts and extraArgs (see the @aeroml/launcher-docker README).',
  });
}

/**
 * GPU flags for the devices the engine allocated: docker `--gpus "device=0,2"` (the
 * quotes are part of the value: docker splits it as CSV), or one CDI device each
 * (`--device nvidia.com/gpu=0`, podman). Without an allocation (an engine that hands out
 * no devices), the first `count` devices.
 */
export function gpuArgs(options: Pick<ResolvedDockerOptions, 'gpuStyle' | 'runtime'>, devices: string[], count: number): string[] {
  const ids = devices.length > 0 ? devices : Array.from({ length: count }, (_, i) => String(i));
  if (ids.length === 0) return [];
  const style = options.gpuStyle ?? (basename(options.runtime).includes('podman') ? 'cdi' : 'gpus');
  if (style === 'gpus') return ['--gpus', `"device=${ids.join(',')}"`];
  return ids.flatMap((id) => ['--device', `nvidia.com/gpu=${id}`]);
}

export function planContainer(spec: JobSpec, options: ResolvedDockerOptions, hostExec: string[]): ContainerPlan {
  const res = jobResources(spec);
  const image = res.image ?? options.image;
  if (!image) {
    throw new AeroError(DockerErrorCodes.DOCKER_NO_IMAGE, `No container image for action \`${spec.action}\`: set dockerLauncher({ image }) or resources.docker.image on the action.`, {
      plugin: PLUGIN,
      hint: "e.g. dockerLauncher({ image: 'ghcr.io/acme/train:1.2' })",
    });
  }
  const cwd = resolve(spec.cwd);
  const projectDir = options.imageProjectDir;
  // Host path → container path. Without imageProjectDir every path stays the same.
  const map = (p: string) => (projectDir && inside(resolve(p), cwd) ? join(projectDir, relative(cwd, resolve(p))) : resolve(p));

  const mounts: Mount[] = [];
  const add = (m: Mount) => {
    if (!mounts.some((o) => o.target === m.target)) mounts.push(m);
  };
  let exec = options.execCommand;
  if (!exec) {
    if (projectDir) exec = ['node', join(projectDir, 'node_modules', '@aeroml', 'cli', 'dist', 'bin.js'), 'exec'];
    else {
      const [bin = 'node', ...rest] = hostExec;
      exec = [basename(bin).startsWith('node') ? 'node' : bin, ...rest];
      const root = options.mountAero && rest[0] ? aeroInstallRoot(rest[0]) : undefined;
      // Unless the project itself holds it (then the project mount below carries it).
      if (root && !inside(root, cwd)) add({ source: root, target: root, readonly: true });
    }
  }
  if (!projectDir) add({ source: cwd, target: cwd, readonly: false });
  else if (spec.dev) add({ source: cwd, target: projectDir, readonly: false }); // local source over the image's copy
  else add({ source: join(cwd, '.aero'), target: join(projectDir, '.aero'), readonly: false });
  const jobDir = resolve(spec.jobDir);
  if (!mounts.some((m) => inside(jobDir, m.source))) add({ source: jobDir, target: map(jobDir), readonly: false });
  for (const m of [...options.mounts, ...(res.mounts ?? [])]) add(parseMount(m));

  // The engine allocated host devices (spec.gpus); the container sees only those, numbered
  // from 0, so the host's CUDA_VISIBLE_DEVICES would hide them inside: it is left out.
  const hostGpus = spec.gpus ?? [];
  const { CUDA_VISIBLE_DEVICES: _hostDevices, ...jobEnv } = spec.env;
  const gpuSpec = hostGpus.length > 0 ? { gpus: hostGpus.map((_, i) => String(i)), env: jobEnv } : {};
  const containerSpec: JobSpec = projectDir ? { ...spec, ...gpuSpec, cwd: map(spec.cwd), configFile: map(spec.configFile), jobDir: map(spec.jobDir) } : { ...spec, ...gpuSpec };
  // Its own spec file when the container sees other paths or other device numbers.
  const hostSpecPath = projectDir || hostGpus.length > 0 ? join(jobDir, 'job.container.json') : join(jobDir, 'job.json');
  const name = `aero-${spec.jobId.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 80)}-${Math.random().toString(36).slice(2, 8)}`;

  const env: Record<string, string> = { ...options.env };
  for (const pattern of options.passEnv) {
    const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && (prefix !== undefined ? key.startsWith(prefix) : key === pattern)) env[key] = value;
    }
  }
  Object.assign(env, hostGpus.length > 0 ? jobEnv : spec.env, res.env);

  const args = [...options.runtimeArgs, 'run', '--rm', '--pull=never', '--name', name, '--label', 'aero.launcher=docker', '--label', `aero.job=${spec.jobId}`, '--label', `aero.run=${spec.runId}`];
  for (const m of mounts) args.push('-v', `${m.source}:${m.target}${m.readonly ? ':ro' : ''}`);
  args.push('-w', map(cwd));
  const user = res.user ?? options.user;
  if (user === 'host') {
    if (typeof process.getuid === 'function' && typeof process.getgid === 'function') args.push('--user', `${process.getuid()}:${process.getgid()}`);
  } else if (user !== 'image') args.push('--user', user);
  args.push('--network', res.network ?? options.network);
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  args.push(...gpuArgs(options, hostGpus, spec.resources.gpus ?? 0));
  if (spec.resources.cpus) args.push('--cpus', String(spec.resources.cpus));
  if (spec.resources.memoryMb) args.push('--memory', `${spec.resources.memoryMb}m`);
  args.push(...options.extraArgs, ...(res.extraArgs ?? []));
  args.push(image, ...exec, '--spec', map(hostSpecPath));
  return { image, name, argv: args, mounts, containerSpec, hostSpecPath };
}
