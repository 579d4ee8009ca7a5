import { describe, expect, it } from 'vitest';
import { slurmLauncher } from '../src/index.js';
import { context, fast, project, spec } from './helpers.js';

// One launcher from aero.config.ts serves every run of the process (aero tune's trials),
// and job ids are unique within a run only: each trial has its own job `quad`.
describe('slurmLauncher shared by several runs (real Slurm)', () => {
  it('tracks same-named jobs of two runs apart, in one array, and a cancel reaches only the aborted run', async () => {
    const cwd = await project();
    const launcher = slurmLauncher(fast);
    const abort = new AbortController();
    const a = context(undefined, abort.signal);
    const b = context();
    const jobA = await spec(cwd, 'quad', { sleepMs: 120_000 }, { runId: 'trial-a', jobId: 'quad', instanceId: 'quad' });
    const jobB = await spec(cwd, 'quad', { sleepMs: 1_500 }, { runId: 'trial-b', jobId: 'quad', instanceId: 'quad' });
    const [pa] = launcher.submit([jobA], a.ctx);
    const [pb] = launcher.submit([jobB], b.ctx);
    const started = () => [a, b].every((r) => r.events.some((e) => e.type === 'job:started'));
    for (let i = 0; i < 300 && !started(); i++) await new Promise((r) => setTimeout(r, 200));
    expect(started()).toBe(true);
    // Both went out in one sbatch: one array, tasks 0 and 1.
    const ids = [a, b].map((r) => (r.events.find((e) => e.type === 'job:submitted') as { externalId: string }).externalId);
    expect(launcher.calls.sbatch).toBe(1);
    expect(ids.map((id) => id.split('_')[1]).sort()).toEqual(['0', '1']);
    expect(new Set(ids.map((id) => id.split('_')[0])).size).toBe(1);
    // What the engine does when trial a is pruned: abort its run, then cancel its job ids.
    abort.abort();
    await launcher.cancel(['quad']);
    const [ra, rb] = await Promise.all([pa!, pb!]);
    expect(ra.error?.code).toBe('INTERRUPTED');
    expect(rb.ok).toBe(true);
    expect(rb.jobId).toBe('quad');
    await launcher.close?.();
  }, 120_000);
});
