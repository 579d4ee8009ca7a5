import { describe, expect, it } from 'vitest';
import { dockerLauncher } from '../src/index.js';
import { context, podman, project, spec } from './helpers.js';

// One launcher from aero.config.ts serves every run of the process (aero tune's trials),
// and job ids are unique within a run only: each trial has its own job `quad`.
describe('dockerLauncher shared by several runs (podman)', () => {
  it('keeps same-named jobs of two runs apart, and a cancel stops only the aborted run', async () => {
    const cwd = await project();
    const launcher = dockerLauncher(podman);
    const abort = new AbortController();
    const a = context(undefined, abort.signal);
    const b = context();
    const jobA = await spec(cwd, 'quad', { sleepMs: 120_000 }, { runId: 'trial-a', jobId: 'quad', instanceId: 'quad' });
    const jobB = await spec(cwd, 'quad', { sleepMs: 3_000 }, { runId: 'trial-b', jobId: 'quad', instanceId: 'quad' });
    const [pa] = launcher.submit([jobA], a.ctx);
    const [pb] = launcher.submit([jobB], b.ctx);
    const started = () => [a, b].every((r) => r.events.some((e) => e.type === 'job:started'));
    for (let i = 0; i < 100 && !started(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(started()).toBe(true);
    // What the engine does when trial a is pruned: abort its run, then cancel its job ids.
    abort.abort();
    await launcher.cancel(['quad']);
    const [ra, rb] = await Promise.all([pa!, pb!]);
    expect(ra.error?.code).toBe('INTERRUPTED');
    expect(rb).toMatchObject({ ok: true, jobId: 'quad' });
  }, 120_000);
});
