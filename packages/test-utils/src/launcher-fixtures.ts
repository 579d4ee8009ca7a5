import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type JobEvent, type JobSpec, type LaunchContext } from '@aeroml/core';

/**
 * Path of a stand-in for `aero exec --spec <job.json>` (a Node ES module script) that keeps
 * the worker's file protocol: it appends `job:started` and `job:metrics` events to
 * `<jobDir>/events.jsonl`, writes its output to {@link workerOutputPath} and
 * `<jobDir>/result.json` atomically. The job's params drive it: `stdout`/`stderr` (lines
 * to print), `sleepMs`, `exitCode` (exit before any result), `noResult` (exit 0 without
 * one), `fail` (an `ACTION_FAILED` result). Its output records `jobId`, `partition`, `env`
 * (`$AERO_TEST_VALUE`), `cwd`, `specCwd`, `container` (inside podman/docker) and `variant`
 * (the text of a `variant.txt` beside the script, else null).
 */
export const launcherWorkerScript: string = fileURLToPath(new URL('./launcher-worker.js', import.meta.url));

/** `[node, launcherWorkerScript]`: the exec command that runs the stand-in worker on this host. */
export const launcherWorkerExec: string[] = [process.execPath, launcherWorkerScript];

/** Where the stand-in worker writes the output of job `jobId` for a project at `cwd`. */
export function workerOutputPath(cwd: string, jobId: string): string {
  return join(cwd, '.aero', 'store', `${jobId}.json`);
}

/** A new empty project folder `<os tmp>/<prefix>XXXXXX` for launcher tests. */
export function tempProject(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

let counter = 0;
/**
 * A complete `JobSpec` for `action` in the project at `cwd`, as the engine would hand a
 * launcher: a fresh job folder under `.aero/runs/<runId>/` with its `job.json` written,
 * a unique job and instance id, one json output `out`, one cpu. `extra` overrides any field.
 */
export async function jobSpec(cwd: string, action: string, params: Record<string, unknown> = {}, extra: Partial<JobSpec> = {}): Promise<JobSpec> {
  const n = counter++;
  const runId = extra.runId ?? 'run-1';
  const instanceId = extra.instanceId ?? `${action}#${n}`;
  const jobDir = join(cwd, '.aero', 'runs', runId, `${action}-${n}`);
  await mkdir(jobDir, { recursive: true });
  const s: JobSpec = {
    schema: 1,
    jobId: `${runId}:${action}:${n}`,
    runId,
    instanceId,
    action,
    params,
    cacheKey: `key-${n}`,
    inputs: {},
    outputs: { out: { path: 'out.json', handler: 'json' } },
    resources: { cpus: 1 },
    cwd,
    configFile: join(cwd, 'aero.config.ts'),
    jobDir,
    env: {},
    overrides: [],
    dev: false,
    ...extra,
  };
  await writeFile(join(jobDir, 'job.json'), JSON.stringify(s));
  return s;
}

/**
 * A `LaunchContext` for `launcher.submit` that records every event it is given: silent
 * logger, `execCommand` (default: the stand-in worker) and an abort signal (default: one
 * never aborted).
 */
export function launchContext(execCommand: string[] = launcherWorkerExec, signal: AbortSignal = new AbortController().signal): { ctx: LaunchContext; events: JobEvent[] } {
  const events: JobEvent[] = [];
  const ctx: LaunchContext = { signal, emit: (e) => events.push(e), logger: silentLogger, execCommand };
  return { ctx, events };
}
