import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type JobEvent, type JobSpec, type LaunchContext } from '@aeroml/core';

export const workerScript = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url));
export const fakeExec = [process.execPath, workerScript];

export async function project(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'aero-slurm-test-'));
}

let counter = 0;
export async function spec(cwd: string, action: string, params: Record<string, unknown> = {}, extra: Partial<JobSpec> = {}): Promise<JobSpec> {
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

export function context(execCommand: string[] = fakeExec, signal: AbortSignal = new AbortController().signal) {
  const events: JobEvent[] = [];
  const ctx: LaunchContext = { signal, emit: (e) => events.push(e), logger: silentLogger, execCommand };
  return { ctx, events };
}

export const fast = { pollIntervalMs: 300, maxPollIntervalMs: 2_000, fileIntervalMs: 100, resultGraceMs: 500 };
