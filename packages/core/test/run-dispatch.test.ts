import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobEvent, JobResult, JobSpec, Launcher } from '../src/contracts/launcher.js';
import { silentLogger } from '../src/contracts/plugin.js';
import { defineAction, plan } from '../src/index.js';
import { Dispatcher, buildJobSpec } from '../src/run/dispatch.js';
import { jsonHandler } from './fixtures.js';

/** A launcher that finishes each job when told to, and remembers every submit and cancel call. */
function heldLauncher(name: string, maxConcurrency?: number) {
  const submits: string[][] = [];
  const cancelled: string[] = [];
  const pending = new Map<string, (r: JobResult) => void>();
  const launcher: Launcher = {
    kind: 'launcher',
    name,
    version: '0.0.0',
    ...(maxConcurrency ? { maxConcurrency } : {}),
    submit(jobs: JobSpec[]) {
      submits.push(jobs.map((j) => j.jobId));
      return jobs.map((j) => new Promise<JobResult>((resolve) => pending.set(j.jobId, resolve)));
    },
    async cancel(ids) {
      cancelled.push(...ids);
    },
  };
  const finish = (jobId: string) => pending.get(jobId)!({ jobId, ok: true, outputs: {}, startedAt: '', finishedAt: '' });
  return { launcher, submits, cancelled, finish };
}

/** Waits (a turn of the event loop at a time) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}

function spec(jobId: string, jobDir = '/nonexistent'): JobSpec {
  return { schema: 1, jobId, runId: 'r', instanceId: jobId, action: 'a', params: {}, cacheKey: 'k', inputs: {}, outputs: {}, resources: {}, cwd: '/', configFile: '', jobDir, env: {}, overrides: [], dev: false };
}

function dispatcher(launchers: Launcher[], options: { execCommand?: string[]; concurrency?: number } = {}) {
  const events: JobEvent[] = [];
  const byName = new Map(launchers.map((l) => [l.name, l]));
  const d = new Dispatcher({
    launcher: (n) => byName.get(n)!,
    concurrency: options.concurrency ?? 4,
    execCommand: options.execCommand,
    signal: new AbortController().signal,
    logger: silentLogger,
    onEvent: (e) => events.push(e),
  });
  return { d, events };
}

describe('run/dispatch: Dispatcher', () => {
  it('hands jobs that become ready in the same tick to the launcher in one submit call', async () => {
    const held = heldLauncher('inline');
    const { d } = dispatcher([held.launcher]);
    const results = ['a', 'b', 'c'].map((id) => d.run('inline', spec(id)));
    await until(() => held.submits.length === 1);
    const later = d.run('inline', spec('d'));
    await until(() => held.submits.length === 2);
    expect(held.submits).toEqual([['a', 'b', 'c'], ['d']]);
    for (const id of ['a', 'b', 'c', 'd']) held.finish(id);
    expect((await Promise.all([...results, later])).map((r) => r.jobId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('cancels the jobs still running, per launcher', async () => {
    const held = heldLauncher('inline');
    const { d } = dispatcher([held.launcher]);
    const a = d.run('inline', spec('a'));
    const b = d.run('inline', spec('b'));
    await until(() => held.submits.length === 1);
    held.finish('a');
    await a;
    d.cancelAll();
    await new Promise((r) => setImmediate(r));
    expect(held.cancelled).toEqual(['b']);
    held.finish('b');
    await b;
  });

  it('counts a job as running while the run announces it, so a cancel right after the announcement reaches it', async () => {
    const held = heldLauncher('inline');
    const { d } = dispatcher([held.launcher]);
    const result = d.run('inline', spec('a'), async () => d.cancelAll());
    await until(() => held.submits.length === 1);
    expect(held.cancelled).toEqual(['a']);
    held.finish('a');
    await result;
  });

  it('gives each launcher its own CPU slots (maxConcurrency, else the run concurrency)', async () => {
    const { d } = dispatcher([heldLauncher('inline').launcher, heldLauncher('slurm', 1).launcher], { concurrency: 2 });
    const first = await d.acquireSlots('slurm', 1);
    let second = false;
    const waiting = d.acquireSlots('slurm', 1).then((release) => ((second = true), release));
    const inline = [await d.acquireSlots('inline', 1), await d.acquireSlots('inline', 1)];
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false);
    first();
    (await waiting)();
    expect(second).toBe(true);
    inline.forEach((release) => release());
  });

  it('writes job.json for a launcher that starts a worker, and refuses one without a worker command', async () => {
    const jobDir = join(await mkdtemp(join(tmpdir(), 'aero-dispatch-')), 'job');
    const held = heldLauncher('process');
    const without = dispatcher([held.launcher]);
    await expect(without.d.run('process', spec('a', jobDir))).rejects.toMatchObject({
      code: 'LAUNCHER_FAILED',
      message: 'Launcher `process` needs a worker command, but none was given.',
      hint: 'Run through the aero CLI, or pass execCommand to createAero().',
    });
    expect(existsSync(jobDir)).toBe(false);
    const { d } = dispatcher([held.launcher], { execCommand: ['aero', 'exec'] });
    const result = d.run('process', spec('a', jobDir));
    await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(await readFile(join(jobDir, 'job.json'), 'utf8'))).toMatchObject({ jobId: 'a', jobDir });
    held.finish('a');
    await result;
  });
});

describe('run/dispatch: buildJobSpec', () => {
  const source = defineAction({ name: 'src', partitions: { p: [1, 2] }, outputs: { o: { handler: 'json', path: '{p}.json' } }, run() {} });
  const gather = defineAction({ name: 'sum', params: z.object({ w: z.number().default(1) }), inputs: { all: source.output('o').all() }, outputs: { s: { handler: 'json' } }, resources: { gpus: 2, timeMinutes: 3 }, run() {} });
  const p = plan([source, gather], { params: {}, handlers: new Map([['json', jsonHandler()]]) });
  const sum = p.instances.find((i) => i.action.name === 'sum')!;
  const outputs = p.instances.map((i) => (i.action.name === 'src' ? { o: { name: 'src.o', digest: `d${i.partition!.p}` } } : undefined));
  const args = { inst: sum, plan: p, runId: 'r1', runDir: '/store/runs/r1', cacheKey: 'key1', outputs, cwd: '/proj', configFile: '/proj/aero.config.ts', overrides: ['sum.w=2'], dev: true };

  it('carries inputs from the producers with their partitions, params, overrides and the time limit', () => {
    const s = buildJobSpec({ ...args, devices: [] });
    expect(s).toMatchObject({
      jobId: 'sum',
      runId: 'r1',
      cacheKey: 'key1',
      params: { w: 1 },
      inputs: { all: { gather: true, artifacts: [{ name: 'src.o', digest: 'd1', partition: { p: 1 } }, { name: 'src.o', digest: 'd2', partition: { p: 2 } }] } },
      jobDir: '/store/runs/r1/sum',
      overrides: ['sum.w=2'],
      dev: true,
      timeoutMs: 180_000,
      env: {},
    });
    expect(s.gpus).toBeUndefined();
  });

  it('gives the job its GPUs as CUDA_VISIBLE_DEVICES', () => {
    expect(buildJobSpec({ ...args, devices: ['1', '3'] })).toMatchObject({ env: { CUDA_VISIBLE_DEVICES: '1,3' }, gpus: ['1', '3'] });
  });
});
