import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyProject, runAero, type AeroCliResult } from '@aeroml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';

const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const CLI = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));

const aero = (cwd: string, ...args: string[]): Promise<AeroCliResult> => runAero(CLI, cwd, args);

/** A fresh copy of the example inside the repo, so `@aeroml/*` and `zod` resolve from its node_modules. */
function copyExample(name: string): Promise<string> {
  return copyProject(EXAMPLE, join(EXAMPLE, '.test-projects'), name, ['aero.config.ts', 'src', 'conf', 'package.json']);
}

interface RunJson {
  id: string;
  status: string;
  sweepId?: string;
  overrides: string[];
  params: Record<string, any>;
  counts: { ran: number; cached: number; failed: number };
  actions: { id: string; status: string; metrics?: Record<string, number> }[];
  snapshot: { sources: Record<string, string> };
}

async function show(dir: string, run = 'latest'): Promise<RunJson> {
  const r = await aero(dir, 'show', run, '--json');
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as RunJson;
}

interface PsRow {
  id: string;
  status: string;
  startedAt: string;
  sweepId?: string;
  counts: RunJson['counts'];
}

async function ps(dir: string): Promise<PsRow[]> {
  const r = await aero(dir, 'ps', '--all', '--json');
  expect(r.code).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** The runs of the newest sweep, in the order they started. */
async function latestSweep(dir: string): Promise<PsRow[]> {
  const runs = await ps(dir);
  const sweepId = runs.find((r) => r.sweepId)?.sweepId;
  expect(sweepId).toBeTruthy();
  return runs.filter((r) => r.sweepId === sweepId).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

const accuracy = (run: RunJson): number => run.actions.find((a) => a.id === 'evaluate')!.metrics!.accuracy!;

describe('examples/hydra-style through the aero CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample('e2e');
  });

  it('composes conf/ (groups, nested group, interpolation) and records the snapshot', async () => {
    const r = await aero(dir, 'run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const run = await show(dir);
    expect(run.status).toBe('succeeded');
    expect(run.overrides).toEqual([]);
    expect(run.params.train).toEqual({
      model: { name: 'linear', hidden: 0 },
      trainer: { epochs: 300, lr: 0.5, l2: 0.0001, schedule: { kind: 'constant' } },
      seed: 0,
    });
    expect(run.params.generate).toEqual({ name: 'blobs', n: 400, noise: 0.8, seed: 0, test_fraction: 0.25 });
    expect(run.params.evaluate).toEqual({ run_name: 'linear-blobs-lr0.5' });
    for (const file of ['conf/config.yaml', 'conf/model/linear.yaml', 'conf/data/blobs.yaml', 'conf/trainer/default.yaml', 'conf/trainer/schedule/constant.yaml']) {
      expect(run.snapshot.sources[file]).toBe(await readFile(join(dir, file), 'utf8'));
    }
    expect(accuracy(run)).toBeGreaterThan(0.9);
  });

  it('group and value overrides change the params (Hydra "Basic Override syntax")', async () => {
    const r = await aero(dir, 'run', 'model=mlp', 'trainer/schedule=cosine', 'trainer.lr=0.3');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const run = await show(dir);
    expect(run.overrides).toEqual(['model=mlp', 'trainer/schedule=cosine', 'trainer.lr=0.3']);
    expect(run.params.train.model).toEqual({ name: 'mlp', hidden: 16 });
    expect(run.params.train.trainer).toEqual({ epochs: 300, lr: 0.3, l2: 0.0001, schedule: { kind: 'cosine', min_lr: 0.01 } });
    expect(run.params.evaluate.run_name).toBe('mlp-blobs-lr0.3');
    expect(run.snapshot.sources['conf/model/mlp.yaml']).toBeDefined();
    // Same data params as the first run: the data set comes from cache.
    expect(run.actions.find((a) => a.id === 'generate')!.status).toBe('cached');
  });

  it('a sweep runs one pipeline per combination; ps groups them; each is cached on its own', { timeout: 240_000 }, async () => {
    const r = await aero(dir, 'run', '-m', 'model=linear,mlp', 'data=blobs,rings');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[sweep 1/4] model=linear data=blobs');
    expect(r.stdout).toContain('[sweep 4/4] model=mlp data=rings');
    const runs = await latestSweep(dir);
    expect(runs.map((x) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const details = await Promise.all(runs.map((x) => show(dir, x.id)));
    const byName = Object.fromEntries(details.map((d) => [d.params.evaluate.run_name as string, d]));
    expect(Object.keys(byName).sort()).toEqual(['linear-blobs-lr0.5', 'linear-rings-lr0.5', 'mlp-blobs-lr0.5', 'mlp-rings-lr0.5']);
    // model=linear data=blobs is the first run's config: nothing reruns.
    expect(byName['linear-blobs-lr0.5']!.counts).toMatchObject({ ran: 0, cached: 3 });
    // Rings are not linearly separable: the hidden layer matters there.
    expect(accuracy(byName['mlp-rings-lr0.5']!)).toBeGreaterThan(0.9);
    expect(accuracy(byName['linear-rings-lr0.5']!)).toBeLessThan(0.75);

    const again = await aero(dir, 'run', '-m', 'model=linear,mlp', 'data=blobs,rings');
    expect(again.code).toBe(0);
    const rerun = await latestSweep(dir);
    expect(rerun.map((x) => x.sweepId)).not.toContain(runs[0]!.sweepId);
    expect(rerun.map((x) => [x.counts.ran, x.counts.cached])).toEqual([
      [0, 3],
      [0, 3],
      [0, 3],
      [0, 3],
    ]);
  });

  it('a sweep interrupted halfway resumes without redoing finished combinations', { timeout: 240_000 }, async () => {
    const args = ['run', '-m', 'seed=range(1,5)', 'trainer.epochs=1000', 'model=mlp'];
    // Ctrl-C once the second combination starts (a sweep that ends first is not interrupted).
    let sent = false;
    const interrupted = await runAero(CLI, dir, args, {
      onStdout: (stdout, kill) => {
        if (!sent && stdout.includes('[sweep 2/4]')) {
          sent = true;
          kill('SIGINT');
        }
      },
    });
    expect([0, 130]).toContain(interrupted.code);
    const seeds = new Map<string, number>();
    const seedOf = async (run: PsRow): Promise<number> => {
      if (!seeds.has(run.id)) seeds.set(run.id, (await show(dir, run.id)).params.train.seed as number);
      return seeds.get(run.id)!;
    };
    const before = await latestSweep(dir);
    const finished = await Promise.all(before.filter((x) => x.status === 'succeeded').map(seedOf));
    const started = await Promise.all(before.map(seedOf));
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished).toContain(1);

    const resumed = await aero(dir, ...args);
    expect(resumed.code).toBe(0);
    const runs = await latestSweep(dir);
    expect(runs[0]!.sweepId).not.toBe(before[0]!.sweepId);
    expect(runs.map((x) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(await Promise.all(runs.map(seedOf))).toEqual([1, 2, 3, 4]);
    // Combinations that finished before the interrupt are served from cache; those that
    // never started run in full (the interrupted one may reuse what it finished).
    for (const run of runs) {
      const seed = await seedOf(run);
      if (finished.includes(seed)) expect(run.counts).toMatchObject({ ran: 0, cached: 3 });
      else if (!started.includes(seed)) expect(run.counts).toMatchObject({ ran: 3, cached: 0 });
    }
  });

  it('--from reruns with exactly the recorded config', async () => {
    const source = (await ps(dir)).find((x) => x.sweepId)!;
    const original = await show(dir, source.id);
    const r = await aero(dir, 'run', '--from', source.id);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rerun = await show(dir);
    expect(rerun.id).not.toBe(original.id);
    expect(rerun.params).toEqual(original.params);
    expect(rerun.counts).toMatchObject({ ran: 0, cached: 3 });
  });

  it('a malformed override points at the column; an unknown option lists the available ones', async () => {
    const bad = await aero(dir, 'run', 'model=[mlp');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid override `model=[mlp` at column 11: expected `]` to close the list opened at column 7.');
    const unknown = await aero(dir, 'run', 'model=cnn');
    // A config error; the CLI maps CONFIG_YAML_* codes to exit 1 today (the design says 2).
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Config group `model` has no option `cnn` (selected by `model=cnn` on the command line): conf/model/cnn.yaml does not exist.');
    expect(unknown.stderr).toContain('Available options: linear, mlp.');
  });

  it('params that fail an action schema are reported before anything runs, naming the file', async () => {
    const broken = await copyExample('invalid');
    await writeFile(join(broken, 'conf/trainer/default.yaml'), 'defaults:\n  - schedule: constant\nepochs: 0\nlr: 0.5\nl2: 0.0001\n');
    const r = await aero(broken, 'run');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('trainer.epochs');
    expect(r.stderr).toContain('conf/trainer/default.yaml');
    const cli = await aero(broken, 'run', 'trainer.epochs=3', 'data.n=many');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('<cli>');
  });
});
