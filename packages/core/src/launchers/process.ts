import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { JobEvent, JobResult, JobSpec, Launcher, LaunchContext } from '../contracts/launcher.js';
import { ErrorCodes } from '../errors.js';
import { appendLogTail, failedJobResult, jobFilePaths, readJobResult } from '../job-files.js';
import { defineLauncher, type LauncherMembers } from '../plugin-kit/define-launcher.js';
import { name, version } from '../../package.json';
import { WorkerPool } from './worker-pool.js';

const processLauncherOptionsSchema = z
  .object({
    /** Grace period between SIGTERM and SIGKILL on cancel/timeout. */
    killGraceMs: z.number().int().nonnegative().optional(),
    /** Extra environment for every job. */
    env: z.record(z.string(), z.string()).optional(),
    /**
     * A new process for every job (the behaviour before warm workers). By default a worker
     * process is reused for the next job with the same cwd, environment (GPUs included),
     * config and overrides, which saves Node start-up and config loading per job.
     */
    fresh: z.boolean().optional(),
  })
  .strict();

export type ProcessLauncherOptions = z.input<typeof processLauncherOptionsSchema>;

/**
 * Runs each action instance in a child process (`aero exec --spec <job.json>`): a crash
 * or a native-library abort cannot take the pipeline down, and stdout/stderr of the
 * action go to its log. Events travel over the IPC channel. Worker processes are reused
 * across jobs of the same kind (worker-pool.ts) unless `fresh: true`.
 */
export const processLauncher: (options?: ProcessLauncherOptions) => Launcher = defineLauncher({
  name: 'process',
  packageName: name,
  version,
  factory: 'processLauncher',
  options: processLauncherOptionsSchema,
  setup: (options) => createProcessLauncher(options),
});

function createProcessLauncher(options: z.output<typeof processLauncherOptionsSchema>): LauncherMembers {
  const grace = options.killGraceMs ?? 5_000;
  const stopChild = (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, grace).unref();
  };
  const pool = options.fresh ? undefined : new WorkerPool(options.env ?? {});
  /** Job id → how to stop it (SIGTERM, then SIGKILL after the grace period). */
  const running = new Map<string, () => void>();
  const stopper = (kill: (signal: NodeJS.Signals) => void, alive: () => boolean) => () => {
    if (!alive()) return;
    kill('SIGTERM');
    setTimeout(() => {
      if (alive()) kill('SIGKILL');
    }, grace).unref();
  };
  return {
    submit(jobs, ctx) {
      return jobs.map((spec) => (pool ? runWarm(spec, ctx) : runFresh(spec, ctx)));
    },
    async cancel(ids) {
      for (const id of ids) running.get(id)?.();
    },
    async close() {
      await pool?.close();
    },
  };

  /** A job on a warm worker of the pool. */
  function runWarm(spec: JobSpec, ctx: LaunchContext): Promise<JobResult> {
    const startedAt = new Date().toISOString();
    const tail: string[] = [];
    let over = false;
    const job = pool!.run(spec, ctx.execCommand, {
      onLine(stream, line) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        ctx.emit({ type: 'job:log', jobId: spec.jobId, stream, line });
      },
      onEvent: (event) => ctx.emit(event),
    });
    const stop = stopper(job.stop, () => !over);
    running.set(spec.jobId, stop);
    ctx.emit({ type: 'job:started', jobId: spec.jobId });
    const onAbort = () => stop();
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = spec.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, spec.timeoutMs)
      : undefined;
    return job.outcome.then(async (outcome) => {
      over = true;
      if (timer) clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      running.delete(spec.jobId);
      const result = await readJobResult(spec.jobDir, spec.jobId);
      if (result && (outcome.done || !result.ok)) return result;
      const how = outcome.done
        ? 'ended without a result'
        : outcome.error
        ? `could not start (${outcome.error.message})`
        : outcome.signal
        ? `was killed by ${outcome.signal}`
        : `exited with code ${outcome.code}`;
      return failedJobResult(spec.jobId, startedAt, {
        code: ctx.signal.aborted ? ErrorCodes.INTERRUPTED : ErrorCodes.LAUNCHER_FAILED,
        message: appendLogTail(`${timedOut ? `Timed out after ${spec.timeoutMs} ms: ` : ''}the worker process for \`${spec.instanceId}\` ${how}.`, tail.slice(-10)),
      });
    });
  }

  /** A job in a process of its own (`fresh: true`). */
  function runFresh(spec: JobSpec, ctx: LaunchContext): Promise<JobResult> {
    return new Promise<JobResult>((resolve) => {
      const startedAt = new Date().toISOString();
      const [cmd, ...args] = ctx.execCommand;
      const child = spawn(cmd!, [...args, '--spec', jobFilePaths(spec.jobDir).spec], {
        cwd: spec.cwd,
        env: { ...process.env, ...options.env, ...spec.env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const stop = () => stopChild(child);
      running.set(spec.jobId, stop);
      ctx.emit({ type: 'job:started', jobId: spec.jobId });
      const tail: string[] = [];
      const pipe = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') =>
        createInterface({ input: stream }).on('line', (line) => {
          tail.push(line);
          if (tail.length > 30) tail.shift();
          ctx.emit({ type: 'job:log', jobId: spec.jobId, stream: name, line });
        });
      pipe(child.stdout!, 'stdout');
      pipe(child.stderr!, 'stderr');
      child.on('message', (message) => {
        const event = message as JobEvent;
        if (event && typeof event === 'object' && typeof event.type === 'string' && event.type !== 'job:finished') ctx.emit(event);
      });
      const onAbort = () => stop();
      // The run may have been cancelled between scheduling and this submit: an
      // 'abort' listener added now would never fire and the worker would run on.
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      if (spec.timeoutMs) {
        timer = setTimeout(() => {
          timedOut = true;
          stop();
        }, spec.timeoutMs);
      }
      const finish = async (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
        if (timer) clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        running.delete(spec.jobId);
        const result = await readJobResult(spec.jobDir, spec.jobId);
        if (result && (code === 0 || !result.ok)) return resolve(result);
        // No result: the worker died before writing one; report how it ended.
        const how = spawnError ? `could not start (${spawnError.message})` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
        resolve(
          failedJobResult(spec.jobId, startedAt, {
            code: ctx.signal.aborted ? ErrorCodes.INTERRUPTED : ErrorCodes.LAUNCHER_FAILED,
            // The engine adds where the full log is and the command that prints it.
            message: appendLogTail(`${timedOut ? `Timed out after ${spec.timeoutMs} ms: ` : ''}the worker process for \`${spec.instanceId}\` ${how}.`, tail.slice(-10)),
          })
        );
      };
      child.on('error', (error) => void finish(null, null, error));
      child.on('close', (code, signal) => void finish(code, signal));
    });
  }
}
