import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nullTrackerSource, runAero } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';

// `aero tune -j N --launcher slurm` against the real Slurm node: the N trials started
// together reach sbatch as ONE job array of N tasks (read back from Slurm with scontrol,
// which keeps ended jobs for MinJobAge), each trial's value comes from its own task, and a
// second study with the same draws is served by the cache without submitting anything.
const cli = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const workDir = fileURLToPath(new URL('../.aero/e2e', import.meta.url));
const TRIALS = 4;

const CONFIG = `import { defineAction, defineConfig } from '@aeroml/core';
import { slurmLauncher } from '@aeroml/launcher-slurm';
import { z } from 'zod';

const nullTracker = ${nullTrackerSource};
const score = defineAction({
  name: 'score',
  params: z.object({ a: z.number().default(0), b: z.number().default(0) }),
  outputs: { out: { handler: 'json' } },
  async run({ params, outputs, log }) {
    const task = process.env.SLURM_ARRAY_JOB_ID + '_' + process.env.SLURM_ARRAY_TASK_ID;
    log.info('slurm task ' + task);
    log.metric('score', Math.abs(params.a - 1) + params.b * params.b);
    await outputs.out.write({ task });
  },
});
export default defineConfig({
  actions: [score],
  plugins: [nullTracker, slurmLauncher({ pollIntervalMs: 500, fileIntervalMs: 200 })],
});
`;

const aero = (cwd: string, args: string[]) => runAero(cli, cwd, args);
const events = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);

/** Every task of one array job as Slurm's controller still knows it: `scontrol show job -o`. */
function arrayTasks(arrayJobId: string): Array<{ arrayJobId: string; taskId: string; state: string; name: string }> {
  const out = execFileSync('scontrol', ['show', 'job', '-o', arrayJobId], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const field = (k: string) => new RegExp(`(?:^| )${k}=(\\S+)`).exec(line)?.[1] ?? '';
      return { arrayJobId: field('ArrayJobId'), taskId: field('ArrayTaskId'), state: field('JobState'), name: field('JobName') };
    });
}

describe('aero tune -j N --launcher slurm (real CLI, worker and Slurm)', () => {
  it(`runs a batch of ${TRIALS} trials as one job array of ${TRIALS} tasks; a study with the same draws is all cache hits`, async () => {
    await mkdir(workDir, { recursive: true });
    const dir = await mkdtemp(join(workDir, 'tune-'));
    await writeFile(join(dir, 'aero.config.ts'), CONFIG);
    const args = ['tune', 'score.a=interval(-3, 3)', 'score.b=interval(-3, 3)', '--objective', 'score.score', '--trials', String(TRIALS), '-j', String(TRIALS), '--sampler', 'random', '--seed', '7', '--launcher', 'slurm', '--json'];
    const r = await aero(dir, [...args, '--study', 'a']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const trials = events(r.stdout).filter((e) => e.event === 'tune.trial');
    expect(trials.map((t) => t.state)).toEqual(Array(TRIALS).fill('complete'));
    for (const t of trials) expect(t.value).toBeCloseTo(Math.abs((t.params['score.a'] as number) - 1) + (t.params['score.b'] as number) ** 2, 10);

    // One sbatch: one batch directory, its task list has every trial's job.
    const batches = await readdir(join(dir, '.aero', 'slurm', 'batches'));
    expect(batches).toHaveLength(1);
    const batch = join(dir, '.aero', 'slurm', 'batches', batches[0]!);
    expect((await readFile(join(batch, 'tasks.txt'), 'utf8')).trim().split('\n')).toHaveLength(TRIALS);
    const logs = (await readdir(batch)).filter((f) => f.startsWith('slurm-') && f.endsWith('.out'));
    const arrayJobId = logs[0]!.match(/^slurm-(\d+)_/)![1]!;
    // Slurm itself: one array job, tasks 0..N-1, all COMPLETED, under aero's job name.
    const tasks = arrayTasks(arrayJobId);
    expect(tasks.map((t) => [t.arrayJobId, t.taskId, t.state, t.name]).sort()).toEqual(Array.from({ length: TRIALS }, (_, i) => [arrayJobId, String(i), 'COMPLETED', 'aero-score']));

    // Each trial's run: its score output was written by a different task of that one array.
    const written = new Set<string>();
    for (const t of trials) {
      const show = JSON.parse((await aero(dir, ['show', t.runId as string, '--json'])).stdout) as { actions: Array<{ id: string; status: string }> };
      expect(show.actions.map((a) => [a.id, a.status])).toEqual([['score', 'ran']]);
      const log = (await aero(dir, ['logs', t.runId as string, 'score'])).stdout;
      written.add(log.match(/slurm task (\d+_\d+)/)![1]!);
    }
    expect([...written].sort()).toEqual(Array.from({ length: TRIALS }, (_, i) => `${arrayJobId}_${i}`));

    // Study b draws the same params (same seed): every trial is a cache hit, nothing is submitted.
    const b = await aero(dir, [...args, '--study', 'b']);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    // Trials report in the order they end: compare them by number.
    const byNumber = (list: Array<Record<string, any>>) => [...list].sort((p, q) => p.number - q.number);
    const cached = byNumber(events(b.stdout).filter((e) => e.event === 'tune.trial'));
    expect(cached.map((t) => [t.number, t.params, t.value, t.cached])).toEqual(byNumber(trials).map((t) => [t.number, t.params, t.value, true]));
    expect(events(b.stdout).at(-1)).toMatchObject({ event: 'tune.finished', trials: { total: TRIALS, ran: 0, cached: TRIALS } });
    expect(await readdir(join(dir, '.aero', 'slurm', 'batches'))).toHaveLength(1);
  }, 600_000);
});
