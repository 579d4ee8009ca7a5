import { parsePluginOptions } from '@aeroml/core';
import { z } from 'zod';

export const PLUGIN = '@aeroml/launcher-docker';

const mount = z.union([
  z.string().min(1),
  z
    .object({
      source: z.string().min(1),
      /** Path inside the container (default: the same absolute path). */
      target: z.string().min(1).optional(),
      readonly: z.boolean().default(false),
    })
    .strict(),
]);
export type MountInput = z.input<typeof mount>;

/** Container settings a job can carry in `resources.docker` (they override the launcher's). */
export const dockerResourcesSchema = z
  .object({
    image: z.string().min(1).optional(),
    network: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()).optional(),
    mounts: z.array(mount).optional(),
    extraArgs: z.array(z.string()).optional(),
  })
  .strict();
export type DockerResources = z.infer<typeof dockerResourcesSchema>;

export const dockerLauncherOptionsSchema = z
  .object({
    /** Name actions and `--launcher` refer to. */
    name: z.string().min(1).default('docker'),
    /** The container CLI: `docker`, `podman`, or a path to one. */
    runtime: z.string().min(1).default('docker'),
    /** Global flags put before `run` (e.g. podman's `--runtime runc --cgroup-manager=cgroupfs`). */
    runtimeArgs: z.array(z.string()).default([]),
    /** Image for every job unless the action sets `resources.docker.image`. */
    image: z.string().min(1).optional(),
    /** `never`: the image must exist locally; `missing`: pull it when absent; `always`: pull before the first job. */
    pull: z.enum(['never', 'missing', 'always']).default('missing'),
    /**
     * Where the image keeps the project's code (e.g. `/app`). Unset: the project is mounted at its
     * own absolute path and the container runs the local code. Set: the container runs the image's
     * copy and only the project's `.aero` state is mounted; `--dev` binds the local project over it.
     */
    imageProjectDir: z.string().startsWith('/').optional(),
    /** Worker command inside the container (default: `node` + the engine's aero CLI path + `exec`). */
    execCommand: z.array(z.string()).min(1).optional(),
    /** Mount, read-only, the install root of the aero CLI the engine runs (needed when it lives outside the project). */
    mountAero: z.boolean().default(true),
    /** Extra bind mounts: `'/data:/data:ro'` or `{ source, target?, readonly? }`. */
    mounts: z.array(mount).default([]),
    /** Environment for every job (the job's own `env` wins). */
    env: z.record(z.string(), z.string()).default({}),
    /**
     * Host environment variables copied into the container when set (e.g. AWS_ACCESS_KEY_ID);
     * `PREFIX_*` copies every variable with that prefix. `AERO_*` by default, so a config that
     * reads aero's variables resolves the same inside the container.
     */
    passEnv: z.array(z.string()).default(['AERO_*']),
    /** `--user`: `'host'` runs as the submitting user's uid:gid so files in the project stay yours; `'image'` keeps the image's user. */
    user: z.string().min(1).default('host'),
    /** `--network`; `host` lets jobs reach services on the host's loopback (S3, MLflow). */
    network: z.string().min(1).default('host'),
    /** How GPUs are requested: docker's `--gpus N`, or CDI devices (`--device nvidia.com/gpu=…`, podman). Default by runtime. */
    gpuStyle: z.enum(['gpus', 'cdi']).optional(),
    /** Extra `run` flags for every job. */
    extraArgs: z.array(z.string()).default([]),
    /** Seconds `stop` waits before killing a container on cancel or timeout. */
    stopTimeoutSeconds: z.number().int().nonnegative().default(10),
    /** Most containers this launcher runs at once. */
    maxConcurrency: z.number().int().positive().optional(),
    /** Lines of output quoted in a failure. */
    logTailLines: z.number().int().nonnegative().default(20),
    /** How often events.jsonl is read while a container runs. */
    fileIntervalMs: z.number().int().positive().default(250),
  })
  .strict();

export type DockerLauncherOptions = z.input<typeof dockerLauncherOptionsSchema>;
export type ResolvedDockerOptions = z.output<typeof dockerLauncherOptionsSchema>;

export function formatIssues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${prefix}: ${path ? `\`${path}\`: ` : ''}${issue.message}`;
  });
}

/** Validates options with core's parsePluginOptions (one line per problem with its dot path). */
export function parseOptions(input: unknown): ResolvedDockerOptions {
  return parsePluginOptions(dockerLauncherOptionsSchema, input, { packageName: PLUGIN, factory: 'dockerLauncher' });
}
