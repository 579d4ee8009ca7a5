import type { JobResult, JobSpec, Launcher, LaunchContext } from '../contracts/launcher.js';
import { executeJob, type ExecuteRuntime } from '../executor.js';

/**
 * Runs actions in this process: no serialisation, no start-up cost. The engine hands
 * it a way to build the runtime (action object, store, handlers) for a job.
 */
export function inlineLauncher(runtimeFor: (spec: JobSpec, ctx: LaunchContext) => Omit<ExecuteRuntime, 'signal' | 'emit'>): Launcher {
  const controllers = new Map<string, AbortController>();
  return {
    kind: 'launcher',
    name: 'inline',
    version: '0.1.0',
    packageName: '@aero/core',
    submit(jobs, ctx) {
      return jobs.map(async (spec): Promise<JobResult> => {
        const controller = new AbortController();
        controllers.set(spec.jobId, controller);
        const onAbort = () => controller.abort();
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        try {
          return await executeJob(spec, { ...runtimeFor(spec, ctx), emit: ctx.emit, signal: controller.signal });
        } finally {
          ctx.signal.removeEventListener('abort', onAbort);
          controllers.delete(spec.jobId);
        }
      });
    },
    async cancel(ids) {
      for (const id of ids) controllers.get(id)?.abort();
    },
  };
}
