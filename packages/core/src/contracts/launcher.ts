import type { ArtifactManifest } from './artifact.js';
import type { PluginBase } from './plugin.js';

/**
 * Everything a worker needs to run one action instance anywhere: it is JSON, written to
 * `<run>/<instance>/job.json`, and executed by `aero exec --spec <file>` (or in-process by
 * the inline launcher). The worker reads inputs from the store and writes outputs to it.
 */
export interface JobSpec {
  schema: 1;
  jobId: string;
  runId: string;
  instanceId: string;
  action: string;
  partition?: Record<string, string | number> | undefined;
  params: Record<string, unknown>;
  cacheKey: string;
  /** Input name → manifest digests (one for 1:1 inputs, several for gathered inputs). */
  inputs: Record<string, JobInput>;
  /** Output name → relative path template already resolved for this instance. */
  outputs: Record<string, { path: string; handler: string }>;
  resources: Resources;
  /** Project directory (where aero.config.ts lives) as seen by the submitter. */
  cwd: string;
  configFile: string;
  /** Directory for this instance's job files: spec, events, result, log. */
  jobDir: string;
  /** Environment additions for the job (e.g. CUDA_VISIBLE_DEVICES). */
  env: Record<string, string>;
  /** GPU device ids of this machine allocated to the job (launchers without `managesGpus`). */
  gpus?: string[] | undefined;
  /** CLI overrides that were applied, so the worker resolves the same config. */
  overrides: string[];
  dev: boolean;
  timeoutMs?: number | undefined;
}

export interface JobInput {
  gather: boolean;
  /**
   * `manifest`: the artifact's manifest, when the run has it in memory, so a worker in another
   * process reads no manifest from the store (one journaled with its cache entry is no file).
   */
  artifacts: Array<{ name: string; digest: string; partition?: Record<string, string | number> | undefined; manifest?: ArtifactManifest | undefined }>;
}

export interface Resources {
  cpus?: number;
  gpus?: number;
  memoryMb?: number;
  timeMinutes?: number;
  /** Launcher-specific extras (Slurm partition, account, qos, docker image…). */
  [key: string]: unknown;
}

/** What the worker writes to `<jobDir>/result.json` (and the inline launcher returns). */
export interface JobResult {
  jobId: string;
  ok: boolean;
  /** Output name → artifact manifest digest. */
  outputs: Record<string, string>;
  error?: { code: string; message: string; hint?: string | undefined; /** The thrown error's stack, for the instance's log. */ stack?: string | undefined } | undefined;
  startedAt: string;
  finishedAt: string;
}

export type JobEvent =
  | { type: 'job:submitted'; jobId: string; externalId?: string }
  | { type: 'job:started'; jobId: string; host?: string }
  | { type: 'job:log'; jobId: string; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'job:metrics'; jobId: string; points: Array<{ name: string; value: number; step: number; timestamp: number }> }
  | { type: 'job:status'; jobId: string; state: string; reason?: string }
  | { type: 'job:finished'; jobId: string; result: JobResult };

export interface LaunchContext {
  signal: AbortSignal;
  /** Report progress from a running job (logs, metrics, state changes). */
  emit(event: JobEvent): void;
  logger: import('./plugin.js').Logger;
  /** The process launcher's way to run the worker: argv prefix for `aero exec`. */
  execCommand: string[];
}

/**
 * Where an action instance runs. `submit` takes a batch of ready jobs (a launcher may
 * group them, e.g. a Slurm job array) and resolves each job's result through the
 * returned promises, in the same order. `cancel` stops jobs by id (Ctrl-C).
 */
export interface Launcher extends PluginBase<'launcher'> {
  /** Required: the scheduler hands it each batch of ready jobs. */
  submit(jobs: JobSpec[], ctx: LaunchContext): Promise<JobResult>[];
  /** Required: a cancelled run (Ctrl-C, the caller's abort signal) stops the jobs it submitted. */
  cancel(jobIds: string[]): Promise<void>;
  /** Optional: most jobs this launcher runs at once, if it limits them itself. */
  readonly maxConcurrency?: number;
  /**
   * Optional: the launcher allocates GPUs itself (Slurm `--gres`, `docker --gpus`): the engine then
   * passes `resources.gpus` through instead of handing out devices from `config.gpus`.
   */
  readonly managesGpus?: boolean;
  /** Optional: called when the engine is closed. */
  close?(): Promise<void>;
}
