import { parsePluginOptions, pluginOptionsError } from '@aeroml/core';
import { z } from 'zod';

export const PLUGIN = '@aeroml/launcher-slurm';

const commandName = z.string().min(1);

/** Slurm settings a job can carry in `resources.slurm` (they override the launcher's). */
export const slurmResourcesSchema = z
  .object({
    partition: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    qos: z.string().min(1).optional(),
    /** Slurm time limit (`--time`), e.g. `'90'`, `'1:30:00'`, `'2-00:00:00'`. */
    time: z.string().min(1).optional(),
    /** Generic resource name used with the GPU count: `--gres=<gres>:<gpus>`. */
    gres: z.string().min(1).optional(),
    constraint: z.string().min(1).optional(),
    extraArgs: z.array(z.string()).optional(),
  })
  .strict();
export type SlurmResources = z.infer<typeof slurmResourcesSchema>;

export const slurmLauncherOptionsSchema = z
  .object({
    /** Name actions and `--launcher` refer to. */
    name: z.string().min(1).default('slurm'),
    partition: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    qos: z.string().min(1).optional(),
    /** Default time limit when neither the job's `timeMinutes` nor `resources.slurm.time` say. */
    time: z.string().min(1).optional(),
    /** CPUs per task when the action declares none. */
    cpusPerTask: z.number().int().positive().default(1),
    /** Memory per task in MB when the action declares none (Slurm's default otherwise). */
    memoryMb: z.number().int().positive().optional(),
    /** Generic resource for GPUs: `--gres=<gres>:<n>`, e.g. `gpu` or `gpu:a100`. */
    gres: z.string().min(1).default('gpu'),
    constraint: z.string().min(1).optional(),
    /** Extra `sbatch` arguments added to every submission. */
    extraArgs: z.array(z.string()).default([]),
    /** Most tasks of one array running at once (the `%` of `--array=0-199%50`). */
    arrayLimit: z.number().int().positive().default(50),
    /** Largest array submitted at once (Slurm's MaxArraySize is often 1001); bigger batches become several arrays. */
    maxArraySize: z.number().int().positive().default(1000),
    /**
     * Jobs handed over within this window are submitted together (one array per action),
     * even when the engine hands a partitioned action over in several calls.
     */
    batchWindowMs: z.number().int().nonnegative().default(200),
    /**
     * What the engine may hand over at once, in CPU slots. Slurm queues and throttles jobs
     * itself (arrayLimit), so this is high: a 200-partition action must arrive whole.
     */
    maxConcurrency: z.number().int().positive().default(100_000),
    /** Let Slurm requeue a job after a node failure instead of reporting NODE_FAIL. */
    requeue: z.boolean().default(false),
    /** Shell lines run before the worker in each task (`module load`, `source venv/bin/activate`). */
    setup: z.array(z.string()).default([]),
    /** Environment for every task (the job's own `env` wins). */
    env: z.record(z.string(), z.string()).default({}),
    /** Worker command; defaults to the engine's `execCommand` (the same node and aero the submitter runs). */
    execCommand: z.array(z.string()).min(1).optional(),
    /** First poll interval for `squeue`; it grows while nothing changes. */
    pollIntervalMs: z.number().int().positive().default(2_000),
    /** Longest poll interval the backoff reaches. */
    maxPollIntervalMs: z.number().int().positive().default(30_000),
    /** How often the job files (events.jsonl, logs, result.json) are read. */
    fileIntervalMs: z.number().int().positive().default(500),
    /** How long to wait for result.json after Slurm says a job ended (shared filesystems lag). */
    resultGraceMs: z.number().int().nonnegative().default(3_000),
    /** Consecutive failed `squeue` calls before the run is failed. */
    maxStatusFailures: z.number().int().positive().default(8),
    /** Use `sacct` for jobs that have left the queue (needs slurmdbd accounting). */
    accounting: z.boolean().default(false),
    /**
     * Pending reasons that never resolve on their own: the job is cancelled and reported
     * instead of waiting forever.
     */
    failOnPendingReasons: z
      .array(z.string())
      .default([
        'PartitionTimeLimit',
        'PartitionNodeLimit',
        'BadConstraints',
        'InvalidAccount',
        'InvalidQOS',
        'QOSMaxWallDurationPerJobLimit',
        'AccountNotAllowed',
        'QOSNotAllowed',
        'DependencyNeverSatisfied',
      ]),
    /** Where batch scripts, task lists and the index of submitted arrays go (default `<project>/.aero/slurm`). */
    workDir: z.string().min(1).optional(),
    /** Prefix of Slurm job names (`aero-<action>`). */
    jobNamePrefix: z.string().min(1).default('aero'),
    /** Lines of the task's log quoted in a failure. */
    logTailLines: z.number().int().nonnegative().default(20),
    /** Paths or names of the Slurm commands. */
    commands: z
      .object({
        sbatch: commandName.default('sbatch'),
        squeue: commandName.default('squeue'),
        scancel: commandName.default('scancel'),
        scontrol: commandName.default('scontrol'),
        sacct: commandName.default('sacct'),
      })
      .strict()
      .default({ sbatch: 'sbatch', squeue: 'squeue', scancel: 'scancel', scontrol: 'scontrol', sacct: 'sacct' }),
  })
  .strict();

export type SlurmLauncherOptions = z.input<typeof slurmLauncherOptionsSchema>;
export type ResolvedSlurmOptions = z.output<typeof slurmLauncherOptionsSchema>;

/** Lists each zod issue with its dot path, the way every aero plugin reports bad options. */
export function formatIssues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${prefix}: ${path ? `\`${path}\`: ` : ''}${issue.message}`;
  });
}

export const SLURM_LAUNCHER = { packageName: PLUGIN, factory: 'slurmLauncher' };

/** Validates options with core's parsePluginOptions, then what the schema cannot see. */
export function parseOptions(input: unknown): ResolvedSlurmOptions {
  return checkOptions(parsePluginOptions(slurmLauncherOptionsSchema, input, SLURM_LAUNCHER));
}

/** One option against another, reported like the schema's problems. */
export function checkOptions(options: ResolvedSlurmOptions): ResolvedSlurmOptions {
  if (options.maxPollIntervalMs < options.pollIntervalMs) {
    throw pluginOptionsError(SLURM_LAUNCHER, [{ path: 'maxPollIntervalMs', message: `must be >= pollIntervalMs (${options.pollIntervalMs}): raise it or lower pollIntervalMs` }]);
  }
  return options;
}
