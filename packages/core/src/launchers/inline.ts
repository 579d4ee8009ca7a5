import type { JobResult, JobSpec, Launcher, LaunchContext } from '../contracts/launcher.js';
import { executeJob, type ExecuteRuntime } from '../executor.js';
import { defineLauncher, type LauncherMembers } from '../plugin-kit/define-launcher.js';
import { name, version } from '../../package.json';

/**
 * Runs actions in this process: no serialisation, no start-up cost. The engine hands
 * it a way to build the runtime (action object, store, handlers) for a job.
 * Jobs see the run's AbortSignal directly: an inline job is cancelled by cancelling the
 * run (a per-job AbortController cost more than a no-op action itself on 10,000-job
 * fan-outs), so `cancel(ids)` has nothing of its own to do.
 */
export function inlineLauncher(runtimeFor: (spec: JobSpec, ctx: LaunchContext) => Omit<ExecuteRuntime, 'signal' | 'emit'>): Launcher {
  return defineLauncher({ name: 'inline', packageName: name, version, setup: () => inlineMembers(runtimeFor) })();
}

function inlineMembers(runtimeFor: (spec: JobSpec, ctx: LaunchContext) => Omit<ExecuteRuntime, 'signal' | 'emit'>): LauncherMembers {
  return {
    submit(jobs, ctx) {
      return jobs.map((spec): Promise<JobResult> => executeJob(spec, { ...runtimeFor(spec, ctx), emit: ctx.emit, signal: ctx.signal }));
    },
    async cancel() {
      // Cancelled through the run's signal (see above).
    },
  };
}
