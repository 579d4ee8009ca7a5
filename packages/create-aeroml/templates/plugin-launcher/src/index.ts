import { defineLauncher, processLauncher, type Launcher, type LauncherMembers } from '@aeroml/core';
import { z } from 'zod';
import { identity } from './errors.js';

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
 * Runs each action instance in a low-priority child process, `nice -n N aero exec ...`, so
 * a long pipeline leaves the machine usable. Use it with `aero run --launcher nice`. The
 * worker still reports over the IPC channel: nice execs it, and it inherits the channel.
 */
export const niceLauncher: (options?: NiceLauncherOptions) => Launcher = defineLauncher({ ...identity, name: 'nice', factory: 'niceLauncher', options: niceLauncherOptionsSchema, setup: createNiceLauncher });

function createNiceLauncher(settings: z.output<typeof niceLauncherOptionsSchema>): LauncherMembers {
  // Core's process launcher spawns the workers, streams their logs and events, cancels them
  // (SIGTERM, then SIGKILL after killGraceMs) and reports a worker that dies without a
  // result; this launcher only puts `nice -n N` in front of the command it starts.
  const processes = processLauncher({ killGraceMs: settings.killGraceMs });
  return {
    ...(settings.maxConcurrency ? { maxConcurrency: settings.maxConcurrency } : {}),
    submit: (jobs, ctx) => processes.submit(jobs, { ...ctx, execCommand: ['nice', '-n', String(settings.niceness), ...ctx.execCommand] }),
    cancel: (ids) => processes.cancel(ids),
    close: async () => processes.close?.(),
  };
}
