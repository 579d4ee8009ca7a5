import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEvent, JobResult, JobSpec } from './contracts/launcher.js';
import { createAero, type CreateAeroOptions } from './engine.js';
import { AeroError, ErrorCodes } from './errors.js';
import { executeJob, toJobError } from './executor.js';
import { writeFileAtomic } from './util/fs.js';

/**
 * The worker behind `aero exec --spec <job.json>`: loads the project's config (for the
 * action code, the store and the handlers), runs the one instance, writes
 * `<jobDir>/result.json` atomically. Events go over the IPC channel when there is one
 * (process launcher) and are appended to `<jobDir>/events.jsonl` always.
 */
export async function runWorker(specPath: string, options: Pick<CreateAeroOptions, 'defaults'> & { signal?: AbortSignal } = {}): Promise<JobResult> {
  let spec: JobSpec;
  try {
    spec = JSON.parse(await readFile(specPath, 'utf8')) as JobSpec;
    if (spec.schema !== 1 || !spec.jobId || !spec.action) throw new Error('missing schema, jobId or action');
  } catch (cause) {
    throw new AeroError(ErrorCodes.JOB_SPEC_INVALID, `Job spec ${specPath} is unreadable: ${(cause as Error).message}.`, {
      hint: 'Job specs are written by `aero run`; rerun the pipeline instead of editing them.',
      cause,
    });
  }
  const eventsFile = join(spec.jobDir, 'events.jsonl');
  // A log line travels one way only: the worker's stdout/stderr, which every launcher
  // captures (pipe, container output, slurm.out) together with what the action prints
  // itself. Sending it over IPC or events.jsonl as well made each line appear twice.
  const emit = (event: JobEvent) => {
    if (event.type === 'job:log') {
      (event.stream === 'stderr' ? process.stderr : process.stdout).write(event.line + '\n');
      return;
    }
    if (process.send) process.send(event);
    appendFileSync(eventsFile, JSON.stringify(event) + '\n');
  };
  const controller = new AbortController();
  // A SIGTERM that came while the spec was read has aborted the signal already: an
  // 'abort' listener added now would never fire, and the job would run uncancelled.
  if (options.signal?.aborted) controller.abort();
  else options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  let result: JobResult;
  try {
    // The run's overrides, so the worker composes the same config (a YAML `???` that the
    // command line filled would otherwise fail to load here).
    const aero = await createAero({ cwd: spec.cwd, ...(spec.configFile ? { configFile: spec.configFile } : {}), overrides: spec.overrides ?? [], dev: Boolean(spec.dev), defaults: options.defaults ?? {} });
    const action = aero.actions.find((a) => a.name === spec.action);
    if (!action) throw new AeroError(ErrorCodes.ACTION_NOT_FOUND, `The config has no action \`${spec.action}\` any more.`, { hint: 'The config changed after the job was submitted; rerun the pipeline.' });
    emit({ type: 'job:started', jobId: spec.jobId });
    result = await executeJob(spec, { action, artifacts: aero.artifacts, handlers: aero.plugins.handlers, emit, signal: controller.signal });
    await aero.plugins.store.close?.();
  } catch (error) {
    const now = new Date().toISOString();
    result = { jobId: spec.jobId, ok: false, outputs: {}, error: toJobError(error, spec), startedAt: now, finishedAt: now };
  }
  await writeFileAtomic(join(spec.jobDir, 'result.json'), JSON.stringify(result, null, 2));
  return result;
}
