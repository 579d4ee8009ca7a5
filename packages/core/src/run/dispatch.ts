import type { ArtifactManifest } from '../contracts/artifact.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEvent, JobResult, JobSpec, Launcher, LaunchContext } from '../contracts/launcher.js';
import type { Logger } from '../contracts/plugin.js';
import { AeroError, ErrorCodes } from '../errors.js';
import type { Plan, PlannedInstance } from '../plan-types.js';
import { Semaphore } from '../util/semaphore.js';

/** The job spec of one instance: everything a worker needs, as JSON (contracts/launcher.ts). */
export function buildJobSpec(args: {
  inst: PlannedInstance;
  plan: Plan;
  runId: string;
  runDir: string;
  cacheKey: string;
  /** Outputs of every instance that finished, by plan index (inputs come from them). */
  outputs: ReadonlyArray<Record<string, { name: string; digest: string }> | undefined>;
  cwd: string;
  configFile: string | undefined;
  overrides: string[];
  dev: boolean;
  /** GPU ids of this machine given to the job; empty when none (or the launcher allocates its own). */
  devices: string[];
  /** The manifest of an input artifact, when in memory: it travels with the spec (JobInput). */
  manifestOf?: (digest: string) => ArtifactManifest | undefined;
}): JobSpec {
  const { inst, plan, devices } = args;
  return {
    schema: 1,
    jobId: inst.id,
    runId: args.runId,
    instanceId: inst.id,
    action: inst.action.name,
    partition: inst.partition,
    params: (inst.params ?? {}) as Record<string, unknown>,
    cacheKey: args.cacheKey,
    inputs: Object.fromEntries(
      Object.entries(inst.inputs).map(([name, input]) => [
        name,
        {
          gather: input.ref.gather,
          artifacts: input.producers.map((p) => {
            const artifact = args.outputs[p]![input.ref.output]!;
            const manifest = args.manifestOf?.(artifact.digest);
            return { ...artifact, partition: plan.instances[p]!.partition, ...(manifest ? { manifest } : {}) };
          }),
        },
      ]),
    ),
    outputs: inst.outputs,
    resources: inst.action.resources,
    cwd: args.cwd,
    configFile: args.configFile ?? '',
    jobDir: join(args.runDir, inst.dir),
    env: devices.length > 0 ? { CUDA_VISIBLE_DEVICES: devices.join(',') } : {},
    ...(devices.length > 0 ? { gpus: devices } : {}),
    overrides: args.overrides,
    dev: args.dev,
    timeoutMs: typeof inst.action.resources.timeMinutes === 'number' ? inst.action.resources.timeMinutes * 60_000 : undefined,
  };
}

/**
 * Hands jobs to launchers. Jobs that become ready in the same tick go to a launcher in
 * one `submit` call (a Slurm job array); each launcher has its own CPU slots (its
 * `maxConcurrency`, else the run's `-j`); running jobs are remembered to cancel them.
 */
export class Dispatcher {
  private readonly slots = new Map<string, Semaphore>();
  private readonly batches = new Map<string, Array<{ spec: JobSpec; resolve: (r: Promise<JobResult>) => void }>>();
  /** Job id → launcher name, while the job runs. */
  private readonly running = new Map<string, string>();

  constructor(
    private readonly options: {
      launcher: (name: string) => Launcher;
      concurrency: number;
      execCommand: string[] | undefined;
      signal: AbortSignal;
      logger: Logger;
      onEvent: (event: JobEvent) => void;
    },
  ) {}

  /** Waits for `cpus` slots of the launcher; resolves the release function. */
  acquireSlots(launcherName: string, cpus: number): Promise<() => void> {
    let slots = this.slots.get(launcherName);
    if (!slots) {
      slots = new Semaphore(this.options.launcher(launcherName).maxConcurrency ?? this.options.concurrency);
      this.slots.set(launcherName, slots);
    }
    return slots.acquire(cpus);
  }

  /**
   * Runs one job: the spec goes to `<jobDir>/job.json` first for launchers that start a
   * worker (`aero exec` reads it); in-process jobs need no file. The job counts as running
   * (a cancel reaches it) before `beforeSubmit` runs — the run announces the job there, and
   * a Ctrl-C right after that announcement must cancel it.
   */
  async run(launcherName: string, spec: JobSpec, beforeSubmit: () => Promise<void> = async () => undefined): Promise<JobResult> {
    if (launcherName !== 'inline') {
      if (!this.options.execCommand) {
        throw new AeroError(ErrorCodes.LAUNCHER_FAILED, `Launcher \`${launcherName}\` needs a worker command, but none was given.`, {
          hint: 'Run through the aero CLI, or pass execCommand to createAero().',
        });
      }
      await mkdir(spec.jobDir, { recursive: true });
      await writeFile(join(spec.jobDir, 'job.json'), JSON.stringify(spec, null, 2));
    }
    this.running.set(spec.jobId, launcherName);
    try {
      await beforeSubmit();
      return await this.submit(launcherName, spec);
    } finally {
      this.running.delete(spec.jobId);
    }
  }

  /** Asks every launcher to cancel the jobs it runs; failures to cancel are ignored. */
  cancelAll(): void {
    const byLauncher = new Map<string, string[]>();
    for (const [jobId, launcher] of this.running) {
      const list = byLauncher.get(launcher) ?? [];
      list.push(jobId);
      byLauncher.set(launcher, list);
    }
    for (const [name, ids] of byLauncher) void this.options.launcher(name).cancel(ids).catch(() => undefined);
  }

  private submit(name: string, spec: JobSpec): Promise<JobResult> {
    return new Promise<Promise<JobResult>>((resolveSubmit) => {
      let batch = this.batches.get(name);
      if (!batch) {
        batch = [];
        this.batches.set(name, batch);
        setImmediate(() => this.flush(name));
      }
      batch.push({ spec, resolve: resolveSubmit });
    }).then((p) => p);
  }

  private flush(name: string): void {
    const jobs = this.batches.get(name)!;
    this.batches.delete(name);
    const ctx: LaunchContext = {
      signal: this.options.signal,
      emit: (event) => this.options.onEvent(event),
      logger: this.options.logger,
      execCommand: this.options.execCommand ?? [],
    };
    let promises: Promise<JobResult>[];
    try {
      promises = this.options.launcher(name).submit(jobs.map((j) => j.spec), ctx);
    } catch (error) {
      promises = jobs.map(() => Promise.reject(error));
    }
    jobs.forEach((job, i) => job.resolve(promises[i] ?? Promise.reject(new AeroError(ErrorCodes.LAUNCHER_FAILED, `Launcher \`${name}\` returned no result for ${job.spec.jobId}.`))));
  }
}
