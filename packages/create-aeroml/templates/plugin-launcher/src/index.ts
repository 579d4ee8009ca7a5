import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { defineLauncher, appendLogTail, ErrorCodes, failedJobResult, jobFilePaths, readJobResult, type JobEvent, type JobResult, type Launcher, type LauncherMembers } from '@aeroml/core';
import { z } from 'zod';
import { version } from '../package.json';
import { PLUGIN } from './errors.js';

/** Options of `niceLauncher()`, validated when the config is loaded. */
export const niceLauncherOptionsSchema = z
  .object({
    /** Niceness added to each job (`nice -n`): 0 is normal, 19 the lowest priority. */
    niceness: z.number().int().min(0).max(19).default(10),
    /** Most jobs at once (default: as many as the scheduler hands out). */
    maxConcurrency: z.number().int().min(1).optional(),
    /** Milliseconds between SIGTERM and SIGKILL when a job is cancelled. */
    killGraceMs: z.number().int().min(0).default(5_000),
  })
  .strict();
export type NiceLauncherOptions = z.input<typeof niceLauncherOptionsSchema>;

/**
 * Runs each action instance as a low-priority child process, `nice -n N aero exec --spec
 * <job.json>`, so a long pipeline leaves the machine usable. Use it with
 * `aero run --launcher nice`. The worker reports progress over the IPC channel (nice
 * execs the worker, which inherits it) and writes its result to the job folder.
 */
export const niceLauncher: (options?: NiceLauncherOptions) => Launcher = defineLauncher({
  name: 'nice',
  packageName: PLUGIN,
  version,
  factory: 'niceLauncher',
  // Validated when aero.config.ts is loaded: a mistyped option fails before anything runs.
  options: niceLauncherOptionsSchema,
  setup: (settings) => createNiceLauncher(settings),
});

function createNiceLauncher(settings: z.output<typeof niceLauncherOptionsSchema>): LauncherMembers {
  const children = new Map<string, ChildProcess>();
  const stop = (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, settings.killGraceMs).unref();
  };
  return {
    ...(settings.maxConcurrency ? { maxConcurrency: settings.maxConcurrency } : {}),
    submit(jobs, ctx) {
      return jobs.map(
        (spec) =>
          new Promise<JobResult>((resolve) => {
            const startedAt = new Date().toISOString();
            const child = spawn('nice', ['-n', String(settings.niceness), ...ctx.execCommand, '--spec', jobFilePaths(spec.jobDir).spec], {
              cwd: spec.cwd,
              env: { ...process.env, ...spec.env },
              stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
            });
            children.set(spec.jobId, child);
            ctx.emit({ type: 'job:started', jobId: spec.jobId });
            // The last lines go into the error when the worker dies without a result.
            const tail: string[] = [];
            const pipe = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') =>
              createInterface({ input: stream }).on('line', (line) => {
                tail.push(line);
                if (tail.length > 10) tail.shift();
                ctx.emit({ type: 'job:log', jobId: spec.jobId, stream: name, line });
              });
            pipe(child.stdout!, 'stdout');
            pipe(child.stderr!, 'stderr');
            child.on('message', (message) => {
              const event = message as JobEvent;
              if (event && typeof event === 'object' && typeof event.type === 'string' && event.type !== 'job:finished') ctx.emit(event);
            });
            const onAbort = () => stop(child);
            ctx.signal.addEventListener('abort', onAbort, { once: true });
            let done = false;
            const finish = async (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
              if (done) return;
              done = true;
              ctx.signal.removeEventListener('abort', onAbort);
              children.delete(spec.jobId);
              const result = await readJobResult(spec.jobDir, spec.jobId);
              if (result && (code === 0 || !result.ok)) return resolve(result);
              const how = spawnError ? `could not start (${spawnError.message}; is \`nice\` installed?)` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
              resolve(
                failedJobResult(spec.jobId, startedAt, {
                  code: ctx.signal.aborted ? ErrorCodes.INTERRUPTED : ErrorCodes.LAUNCHER_FAILED,
                  message: appendLogTail(`The worker for \`${spec.instanceId}\` ${how}.`, tail),
                  hint: 'The full output is in `aero logs <run> <action>`.',
                }),
              );
            };
            child.on('error', (error) => void finish(null, null, error));
            child.on('close', (code, signal) => void finish(code, signal));
          }),
      );
    },
    async cancel(ids) {
      for (const id of ids) {
        const child = children.get(id);
        if (child) stop(child);
      }
    },
  };
}
