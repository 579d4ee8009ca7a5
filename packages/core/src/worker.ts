import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEvent, JobResult, JobSpec } from './contracts/launcher.js';
import { createAero, type Aero, type CreateAeroOptions } from './engine.js';
import { AeroError, ErrorCodes } from './errors.js';
import { executeJob, toJobError } from './executor.js';
import { JOB_END_MARK, WARM_WORKER_ENV } from './launchers/warm-protocol.js';
import { writeFileAtomic } from './util/fs.js';

/**
 * The worker behind `aero exec --spec <job.json>`: loads the project's config (for the
 * action code, the store and the handlers), runs the instance, writes
 * `<jobDir>/result.json` atomically; a warm worker then waits for more specs over IPC. Events go over the IPC channel when there is one
 * (process launcher) and are appended to `<jobDir>/events.jsonl` always.
 */
export async function runWorker(specPath: string, options: Pick<CreateAeroOptions, 'defaults'> & { signal?: AbortSignal } = {}): Promise<JobResult> {
  const projects = new Map<string, Promise<Aero>>();
  let result = await runOneJob(specPath, options, projects);
  // A warm worker of the process launcher (launchers/worker-pool.ts) stays for more jobs of
  // the same project, environment and overrides, sent over IPC, until told to stop.
  if (process.env[WARM_WORKER_ENV] === '1' && process.send) {
    for (;;) {
      const next = await nextJob(options.signal);
      if (!next) break;
      result = await runOneJob(next, options, projects);
    }
  }
  for (const aero of projects.values()) await (await aero.catch(() => undefined))?.plugins.store.close?.();
  return result;
}

/** The next job spec path sent by the launcher, or undefined when it says stop (or goes away). */
function nextJob(signal: AbortSignal | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (signal?.aborted || !process.connected) return resolve(undefined);
    const done = (value: string | undefined) => {
      process.off('message', onMessage);
      process.off('disconnect', onGone);
      signal?.removeEventListener('abort', onGone);
      resolve(value);
    };
    const onMessage = (message: unknown) => {
      const m = message as { type?: string; spec?: string };
      if (m?.type === 'aero:job' && typeof m.spec === 'string') done(m.spec);
      else if (m?.type === 'aero:stop') done(undefined);
    };
    const onGone = () => done(undefined);
    process.on('message', onMessage);
    process.once('disconnect', onGone);
    signal?.addEventListener('abort', onGone, { once: true });
  });
}

async function runOneJob(specPath: string, options: Pick<CreateAeroOptions, 'defaults'> & { signal?: AbortSignal }, projects: Map<string, Promise<Aero>>): Promise<JobResult> {
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
    // command line filled would otherwise fail to load here). A warm worker loads each
    // project once: the launcher only sends it jobs of the same project and overrides.
    const key = JSON.stringify([spec.cwd, spec.configFile, spec.overrides ?? [], Boolean(spec.dev)]);
    let loading = projects.get(key);
    if (!loading) {
      loading = createAero({ cwd: spec.cwd, ...(spec.configFile ? { configFile: spec.configFile } : {}), overrides: spec.overrides ?? [], dev: Boolean(spec.dev), defaults: options.defaults ?? {} });
      projects.set(key, loading);
      loading.catch(() => projects.delete(key));
    }
    const aero = await loading;
    const action = aero.actions.find((a) => a.name === spec.action);
    if (!action) throw new AeroError(ErrorCodes.ACTION_NOT_FOUND, `The config has no action \`${spec.action}\` any more.`, { hint: 'The config changed after the job was submitted; rerun the pipeline.' });
    emit({ type: 'job:started', jobId: spec.jobId });
    result = await executeJob(spec, { action, artifacts: aero.artifacts, handlers: aero.plugins.handlers, emit, signal: controller.signal });
  } catch (error) {
    const now = new Date().toISOString();
    result = { jobId: spec.jobId, ok: false, outputs: {}, error: toJobError(error, spec), startedAt: now, finishedAt: now };
  }
  await writeFileAtomic(join(spec.jobDir, 'result.json'), JSON.stringify(result, null, 2));
  if (process.env[WARM_WORKER_ENV] === '1' && process.send) {
    // The job's output is complete once both marks have come through the pipes.
    await new Promise<void>((resolve) => process.stdout.write(`${JOB_END_MARK} ${spec.jobId}\n`, () => resolve()));
    await new Promise<void>((resolve) => process.stderr.write(`${JOB_END_MARK} ${spec.jobId}\n`, () => resolve()));
    process.send({ type: 'aero:job-done', jobId: spec.jobId });
  }
  return result;
}
