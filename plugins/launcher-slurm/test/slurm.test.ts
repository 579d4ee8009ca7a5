import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobEvent, JobResult } from '@aeroml/core';
import { describe, expect, it } from 'vitest';
import { slurmLauncher } from '../src/index.js';
import { lookupTask, parseSqueueJson } from '../src/squeue.js';
import { workerOutputPath } from '@aeroml/test-utils';
import { context, fast, project, spec } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
/** Slurm's own view of task `<array>_<task>`, from squeue --json. */
const slurmState = (id: string) => {
  const [array, task] = id.split('_');
  return lookupTask(parseSqueueJson(execFileSync('squeue', ['--json'], { encoding: 'utf8', maxBuffer: 64 << 20 })), array!, Number(task ?? 0))?.state;
};
const node = execFileSync('hostname', ['-s'], { encoding: 'utf8' }).trim();

async function expectedDigest(cwd: string, jobId: string): Promise<string> {
  return 'sha256:' + createHash('sha256').update(await readFile(workerOutputPath(cwd, jobId))).digest('hex');
}

/** The task's state once it has left RUNNING/COMPLETING (polls for at most 60 s). */
async function finalSlurmState(id: string): Promise<string | undefined> {
  for (let i = 0; i < 300; i++) {
    const state = slurmState(id);
    if (state !== 'RUNNING' && state !== 'COMPLETING') return state;
    await new Promise((r) => setTimeout(r, 200));
  }
  return slurmState(id);
}

describe('slurmLauncher on the local Slurm cluster', () => {
  it('runs a batch of one action as a single job array and streams its events', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, arrayLimit: 2 });
    const jobs = await Promise.all(
      ['a', 'b', 'c'].map((split, i) => spec(cwd, 'prep', { stdout: [`hello from ${split}`] }, { partition: { split }, env: { AERO_TEST_VALUE: `v${i}` } })),
    );
    const { ctx, events } = context();
    const results = await Promise.all(launcher.submit(jobs, ctx));
    expect(launcher.calls.sbatch).toBe(1);
    for (const [i, job] of jobs.entries()) {
      expect(results[i]).toMatchObject({ jobId: job.jobId, ok: true, outputs: { out: await expectedDigest(cwd, job.jobId) } });
      const stored = JSON.parse(await readFile(workerOutputPath(cwd, job.jobId), 'utf8'));
      expect(stored.env).toBe(`v${i}`);
      expect(stored.cwd).toBe(cwd);
    }
    const submitted = events.filter((e): e is Extract<JobEvent, { type: 'job:submitted' }> => e.type === 'job:submitted');
    const arrayId = submitted[0]!.externalId!.split('_')[0]!;
    expect(submitted.map((e) => e.externalId)).toEqual([0, 1, 2].map((t) => `${arrayId}_${t}`));
    // Results resolve as soon as the worker writes result.json; Slurm may report the
    // task RUNNING/COMPLETING a moment longer, so wait (bounded) for its final state.
    expect(await finalSlurmState(`${arrayId}_2`)).toBe('COMPLETED');
    expect(events.filter((e) => e.type === 'job:started').map((e) => e.jobId).sort()).toEqual(jobs.map((j) => j.jobId).sort());
    expect(events).toContainEqual({ type: 'job:log', jobId: jobs[1]!.jobId, stream: 'stdout', line: 'hello from b' });
    // The worker's metrics event (the array task id it ran as) came through events.jsonl.
    const metric = events.find((e) => e.type === 'job:metrics' && e.jobId === jobs[2]!.jobId) as Extract<JobEvent, { type: 'job:metrics' }>;
    expect(metric.points[0]!.value).toBe(2);
    const state = JSON.parse(await readFile(join(jobs[0]!.jobDir, 'slurm.json'), 'utf8'));
    expect(state).toMatchObject({ jobId: jobs[0]!.jobId, arrayJobId: arrayId, taskId: 0 });
  });

  it('submits one array per action and per distinct resources', async () => {
    const cwd = await project();
    const launcher = slurmLauncher(fast);
    const jobs = [
      await spec(cwd, 'left'),
      await spec(cwd, 'left'),
      await spec(cwd, 'right'),
      await spec(cwd, 'left', {}, { resources: { cpus: 2 } }),
    ];
    const { ctx, events } = context();
    const results = await Promise.all(launcher.submit(jobs, ctx));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(launcher.calls.sbatch).toBe(3);
    const arrays = new Set(events.filter((e) => e.type === 'job:submitted').map((e) => (e as { externalId: string }).externalId.split('_')[0]));
    expect(arrays.size).toBe(3);
    const cpus = execFileSync('scontrol', ['show', 'job', '-o', (events.find((e) => e.type === 'job:submitted' && e.jobId === jobs[3]!.jobId) as { externalId: string }).externalId], { encoding: 'utf8' });
    expect(cpus).toMatch(/NumCPUs=2 /);
  });

  it('merges jobs of one action handed over in several submit calls into one array', async () => {
    const cwd = await project();
    const launcher = slurmLauncher(fast);
    const { ctx, events } = context();
    const first = launcher.submit([await spec(cwd, 'split')], ctx);
    const rest = launcher.submit([await spec(cwd, 'split'), await spec(cwd, 'split')], ctx);
    const results = await Promise.all([...first, ...rest]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(launcher.calls.sbatch).toBe(1);
    expect(new Set(events.filter((e) => e.type === 'job:submitted').map((e) => (e as { externalId: string }).externalId.split('_')[0])).size).toBe(1);
  });

  it('drops jobs interrupted before they were submitted', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, batchWindowMs: 5_000 });
    const abort = new AbortController();
    const job = await spec(cwd, 'early');
    const [p] = launcher.submit([job], context(undefined, abort.signal).ctx);
    abort.abort();
    expect((await p)!.error).toEqual({ code: 'INTERRUPTED', message: `\`${job.instanceId}\` was not submitted to Slurm: the run was interrupted.` });
    expect(launcher.calls.sbatch).toBe(0);
  });

  it('reports a worker that dies without result.json with its exit code and log tail', async () => {
    const cwd = await project();
    const launcher = slurmLauncher(fast);
    const job = await spec(cwd, 'crash', { stderr: ['Traceback: boom'], exitCode: 7 });
    const [result] = await Promise.all(launcher.submit([job], context().ctx));
    expect(result!.ok).toBe(false);
    expect(result!.error!.code).toBe('SLURM_JOB_FAILED');
    expect(result!.error!.message).toMatch(/^Slurm job \d+_0 \(`crash#\d+`\) ended as FAILED with exit code 7, reason NonZeroExitCode without writing result\.json\./);
    expect(result!.error!.message).toContain('Last lines of the log:\nTraceback: boom');
    expect(result!.error!.hint).toContain(join(job.jobDir, 'slurm.err'));
  });

  it('passes through a failed result the worker wrote', async () => {
    const cwd = await project();
    const job = await spec(cwd, 'bad', { fail: true });
    const [result] = await Promise.all(slurmLauncher(fast).submit([job], context().ctx));
    expect(result).toMatchObject({ ok: false, error: { code: 'ACTION_FAILED', message: 'action bad failed on purpose' } });
  });

  it('rejects with SLURM_SBATCH_REJECTED and sbatch’s stderr when Slurm refuses the array', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, partition: 'no-such-partition' });
    const [p] = launcher.submit([await spec(cwd, 'train')], context().ctx);
    await expect(p).rejects.toMatchObject({
      code: 'SLURM_SBATCH_REJECTED',
      plugin: '@aeroml/launcher-slurm',
      message: expect.stringMatching(/^sbatch rejected the job array for action `train` \(1 task\(s\), exit 1\): sbatch: error: .*invalid partition specified: no-such-partition/s),
    });
  });

  it('rejects with SLURM_COMMAND_NOT_FOUND when sbatch is not installed', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, commands: { sbatch: '/nonexistent/bin/sbatch' } });
    const [p] = launcher.submit([await spec(cwd, 'train')], context().ctx);
    await expect(p).rejects.toMatchObject({
      code: 'SLURM_COMMAND_NOT_FOUND',
      message: 'Cannot run `/nonexistent/bin/sbatch` (ENOENT): the Slurm client command `sbatch` is not installed or not on PATH on this machine.',
    });
  });

  it('runs scancel when the run is interrupted (ctx.signal) and reports INTERRUPTED', async () => {
    const cwd = await project();
    const launcher = slurmLauncher(fast);
    const abort = new AbortController();
    const { ctx, events } = context(undefined, abort.signal);
    const jobs = [await spec(cwd, 'long', { sleepMs: 120_000 }), await spec(cwd, 'long', { sleepMs: 120_000 })];
    const promises = launcher.submit(jobs, ctx);
    await waitFor(() => events.filter((e) => e.type === 'job:started').length === 2);
    abort.abort();
    const results = await Promise.all(promises);
    for (const r of results) expect(r.error).toMatchObject({ code: 'INTERRUPTED', message: expect.stringMatching(/^Slurm job \d+_\d \(`long#\d+`\) was cancelled \(scancel\) because the run was interrupted\./) });
    expect(launcher.calls.scancel).toBe(1);
    const id = (events.find((e) => e.type === 'job:submitted') as { externalId: string }).externalId;
    await waitFor(() => slurmState(id) === 'CANCELLED');
  });

  it('cancel(ids) stops only the named jobs', async () => {
    const cwd = await project();
    const launcher = slurmLauncher(fast);
    const { ctx, events } = context();
    const jobs = [await spec(cwd, 'mixed', { sleepMs: 120_000 }), await spec(cwd, 'mixed', { sleepMs: 1_000 })];
    const promises = launcher.submit(jobs, ctx);
    await waitFor(() => events.some((e) => e.type === 'job:started' && e.jobId === jobs[0]!.jobId));
    await launcher.cancel([jobs[0]!.jobId]);
    const [a, b] = await Promise.all(promises);
    expect(a!.error!.code).toBe('INTERRUPTED');
    expect(b!.ok).toBe(true);
  });

  it('reports a job cancelled outside aero as SLURM_JOB_CANCELLED', async () => {
    const cwd = await project();
    const { ctx, events } = context();
    const [p] = slurmLauncher(fast).submit([await spec(cwd, 'admin', { sleepMs: 120_000 })], ctx);
    await waitFor(() => events.some((e) => e.type === 'job:started'));
    execFileSync('scancel', [(events.find((e) => e.type === 'job:submitted') as { externalId: string }).externalId]);
    const result = await p;
    expect(result!.error!.code).toBe('SLURM_JOB_CANCELLED');
    expect(result!.error!.message).toMatch(/^Slurm job \d+_0 \(`admin#\d+`\) was cancelled outside aero \(CANCELLED/);
  });

  it('fails a job whose pending reason can never clear (PartitionTimeLimit) and cancels it', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, partition: 'short', time: '5' });
    const { ctx, events } = context();
    const [result] = await Promise.all(launcher.submit([await spec(cwd, 'toolong')], ctx));
    expect(result!.error!.code).toBe('SLURM_JOB_UNSCHEDULABLE');
    expect(result!.error!.message).toMatch(/^Slurm job \d+_0 \(`toolong#\d+`\) can never start: it is pending with reason PartitionTimeLimit; aero cancelled it\./);
    expect(events).toContainEqual(expect.objectContaining({ type: 'job:status', state: 'PENDING', reason: 'PartitionTimeLimit' }));
    const id = (events.find((e) => e.type === 'job:submitted') as { externalId: string }).externalId;
    await waitFor(() => slurmState(id) === 'CANCELLED');
  });

  it('reports a job Slurm kills at its time limit as SLURM_JOB_TIMEOUT', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, partition: 'short' });
    const job = await spec(cwd, 'slow', { sleepMs: 300_000, stdout: ['epoch 1'] }, { timeoutMs: 30_000 });
    const [result] = await Promise.all(launcher.submit([job], context().ctx));
    expect(result!.error!.code).toBe('SLURM_JOB_TIMEOUT');
    expect(result!.error!.message).toMatch(/^Slurm job \d+_0 \(`slow#\d+`\) was stopped by Slurm at its time limit \(TIMEOUT, reason TimeLimit\)\./);
    expect(result!.error!.message).toContain('epoch 1');
    expect(result!.error!.hint).toMatch(/^Raise the time limit/);
  }, 240_000);

  it('reports a node failure with Slurm’s reason', async () => {
    const cwd = await project();
    const launcher = slurmLauncher(fast);
    const { ctx, events } = context();
    const [p] = launcher.submit([await spec(cwd, 'victim', { sleepMs: 120_000 })], ctx);
    try {
      await waitFor(() => events.some((e) => e.type === 'job:started'));
      execFileSync('scontrol', ['update', `nodename=${node}`, 'state=down', 'reason=aero-test']);
      const result = await p;
      expect(result!.error!.code).toBe('SLURM_NODE_FAIL');
      expect(result!.error!.message).toMatch(new RegExp(`^Slurm job \\d+_0 \\(\`victim#\\d+\`\\) ended because its node failed \\(NODE_FAIL, reason NodeDown, node ${node}\\)\\.`));
    } finally {
      // ReturnToService=2 may already have brought the node back; resume is then refused.
      spawnSync('scontrol', ['update', `nodename=${node}`, 'state=resume']);
      await waitFor(() => /idle|mix|alloc/.test(execFileSync('sinfo', ['-h', '-n', node, '-o', '%T'], { encoding: 'utf8' })));
    }
  });

  it('reattaches to jobs a crashed run left in the queue, and reuses finished results', async () => {
    const cwd = await project();
    const jobs = [await spec(cwd, 'resume', { sleepMs: 3_000 }), await spec(cwd, 'resume', { sleepMs: 3_000 })];
    const first = slurmLauncher(fast);
    const { ctx: ctx1, events: events1 } = context();
    void first.submit(jobs, ctx1);
    await waitFor(() => events1.filter((e) => e.type === 'job:submitted').length === 2);
    await first.close?.(); // the first process "crashes": it stops watching
    const second = slurmLauncher(fast);
    const { ctx: ctx2, events: events2 } = context();
    const results = await Promise.all(second.submit(jobs, ctx2));
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(second.calls.sbatch).toBe(0);
    expect(events2.filter((e) => e.type === 'job:submitted').map((e) => (e as { externalId: string }).externalId)).toEqual(
      events1.filter((e) => e.type === 'job:submitted').map((e) => (e as { externalId: string }).externalId),
    );
    const third = slurmLauncher(fast);
    const again = await Promise.all(third.submit(jobs, context().ctx));
    expect(again).toEqual(results);
    expect(third.calls).toEqual({ sbatch: 0, squeue: 0, scancel: 0, scontrol: 0, sacct: 0 });
  });

  it('cancels arrays an earlier run left behind when its process died', async () => {
    const cwd = await project();
    const old = slurmLauncher(fast);
    const { ctx, events } = context();
    void old.submit([await spec(cwd, 'orphan', { sleepMs: 120_000 }, { runId: 'run-old' })], ctx);
    await waitFor(() => events.some((e) => e.type === 'job:submitted'));
    await old.close?.();
    const arrayId = (events.find((e) => e.type === 'job:submitted') as { externalId: string }).externalId.split('_')[0]!;
    // Make the entry belong to a process that has exited, as after a crash.
    const entryPath = join(cwd, '.aero', 'slurm', 'active', `${arrayId}.json`);
    const entry = JSON.parse(await readFile(entryPath, 'utf8'));
    entry.ownerPid = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(entryPath, JSON.stringify(entry));
    const next = slurmLauncher(fast);
    const [r] = await Promise.all(next.submit([await spec(cwd, 'fresh', {}, { runId: 'run-new' })], context().ctx));
    expect(r!.ok).toBe(true);
    expect(next.calls.scancel).toBe(1);
    await waitFor(() => slurmState(`${arrayId}_0`) === 'CANCELLED');
    expect(existsSync(entryPath)).toBe(false);
  });

  it('follows jobs that have left the queue through scontrol', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, commands: { squeue: fixture('squeue-forgets.sh') } });
    const [r] = await Promise.all(launcher.submit([await spec(cwd, 'gone', { sleepMs: 500 })], context().ctx));
    expect(r!.ok).toBe(true);
    expect(launcher.calls.scontrol).toBeGreaterThan(0);
  });

  it('reports SLURM_JOB_LOST when no Slurm command knows the job and no result came', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, commands: { squeue: fixture('squeue-forgets.sh'), scontrol: fixture('scontrol-forgets.sh') } });
    const [r] = await Promise.all(launcher.submit([await spec(cwd, 'vanish', { noResult: true, stdout: ['bye'] })], context().ctx));
    expect(r!.error!.code).toBe('SLURM_JOB_LOST');
    expect(r!.error!.message).toMatch(/^Slurm job \d+_0 \(`vanish#\d+`\) left the queue without writing result\.json; Slurm no longer knows how it ended/);
  });

  it('gives up with SLURM_STATUS_FAILED after repeated squeue failures', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, maxStatusFailures: 2, commands: { squeue: fixture('squeue-down.sh') } });
    const [r] = await Promise.all(launcher.submit([await spec(cwd, 'blind', { sleepMs: 60_000 })], context().ctx));
    expect(r!.error!.code).toBe('SLURM_STATUS_FAILED');
    expect(r!.error!.message).toMatch(/^Lost track of Slurm job \d+_0: 2 status queries in a row failed\. Last error: `squeue --json` failed \(exit 1\): squeue: error: Unable to contact slurm controller/);
    expect(launcher.calls.squeue).toBe(2);
    execFileSync('scancel', [(r!.error!.message.match(/job (\d+)_0/) ?? [])[1]!]);
  });

  it('runs 200 partitions of one action with one sbatch call', async () => {
    const cwd = await project();
    const launcher = slurmLauncher({ ...fast, arrayLimit: 200 });
    const jobs = await Promise.all(Array.from({ length: 200 }, (_, i) => spec(cwd, 'sim', {}, { partition: { sim: i } })));
    const { ctx, events } = context();
    const started = Date.now();
    const results: JobResult[] = await Promise.all(launcher.submit(jobs, ctx));
    const wall = Date.now() - started;
    expect(results.filter((r) => r.ok)).toHaveLength(200);
    expect(launcher.calls.sbatch).toBe(1);
    expect(new Set(events.filter((e) => e.type === 'job:submitted').map((e) => (e as { externalId: string }).externalId.split('_')[0])).size).toBe(1);
    const list = readFileSync(join(cwd, '.aero', 'slurm', 'batches', readdirOne(join(cwd, '.aero', 'slurm', 'batches')), 'tasks.txt'), 'utf8').trim().split('\n');
    expect(list).toHaveLength(200);
    process.stdout.write(`[launcher-slurm] 200-task array: sbatch=${launcher.calls.sbatch} squeue=${launcher.calls.squeue} wall=${wall}ms\n`);
  }, 300_000);
});

function readdirOne(dir: string): string {
  const names = execFileSync('ls', [dir], { encoding: 'utf8' }).trim().split('\n');
  expect(names).toHaveLength(1);
  return names[0]!;
}

async function waitFor(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('slurmLauncher when scancel is refused', () => {
  it('rejects cancel() with SLURM_SCANCEL_FAILED and scancel’s stderr', async () => {
    const cwd = await project();
    const denied = fileURLToPath(new URL('./fixtures/scancel-denied.sh', import.meta.url));
    const launcher = slurmLauncher({ ...fast, commands: { scancel: denied } });
    const { ctx, events } = context();
    const job = await spec(cwd, 'stubborn', { sleepMs: 120_000 });
    void launcher.submit([job], ctx);
    await waitForEvent(events, 'job:submitted');
    const id = (events.find((e) => e.type === 'job:submitted') as { externalId: string }).externalId;
    try {
      await expect(launcher.cancel([job.jobId])).rejects.toMatchObject({
        code: 'SLURM_SCANCEL_FAILED',
        message: `\`scancel ${id}\` failed (exit 1): scancel: error: Kill job error on job id ${id}: Access/permission denied`,
        hint: `Cancel the jobs by hand: scancel ${id}`,
      });
    } finally {
      execFileSync('scancel', [id]);
      await launcher.close?.();
    }
  });
});

async function waitForEvent(events: JobEvent[], type: JobEvent['type']): Promise<void> {
  const end = Date.now() + 60_000;
  while (!events.some((e) => e.type === type)) {
    if (Date.now() > end) throw new Error(`no ${type} event`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
