import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { aero, CLI, copyQuickstart, makeProject, plainEnv, refused, startAero, waitFor } from './helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const events = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
const space = ['train.lr=tag(log, interval(0.01, 2))', 'train.epochs=20'];

/** tools/optuna/start.sh's venv (installed here when missing): the tpe runs use the real optuna. */
function optunaPython(): string {
  const envFile = join(REPO, '.tools/optuna.env');
  if (!existsSync(envFile)) execFileSync('bash', [join(REPO, 'tools/optuna/start.sh')], { stdio: 'ignore' });
  return readFileSync(envFile, 'utf8').split('\n').find((l) => l.startsWith('AERO_OPTUNA_PYTHON='))!.slice('AERO_OPTUNA_PYTHON='.length);
}

describe('aero tune (CLI)', () => {
  let python: string;
  beforeAll(() => {
    python = optunaPython();
  }, 300_000);

  it('refuses bad input with exit 2 before any trial runs', async () => {
    const dir = await copyQuickstart();
    const cases: Array<[string[], string]> = [
      // The hint is the tune command with the key corrected, not a single `aero run` at one corner of the space.
      [['train.lrr=interval(0.1, 1)', '--objective', 'evaluate.accuracy', '--trials', '2', '--sampler', 'random'], "PLAN_UNKNOWN_PARAM: Unknown param `train.lrr` (set on the command line): no action reads it.\n  hint: Did you mean `train.lr` or `train.l2`? aero tune 'train.lr=interval(0.1, 1)' --objective evaluate.accuracy --trials 2 --sampler random\n"],
      [['train.lr=intervall(0.1, 1)', '--objective', 'evaluate.accuracy', '--trials', '2'], 'TUNE_SPACE_INVALID: Search space `train.lr=intervall(0.1, 1)`: unknown function `intervall(...)` (a search takes interval, tag, range, choice; a fixed value may use sort, int, float, str, bool). Did you mean `interval`?'],
      [['train.lr=interval(1, 0.1)', '--objective', 'evaluate.accuracy', '--trials', '2'], 'TUNE_SPACE_INVALID: Search space `train.lr=interval(1, 0.1)`: interval is reversed: low 1 is above high 0.1 (write interval(0.1, 1)).'],
      [['train.lr=tag(log, interval(0, 1))', '--objective', 'evaluate.accuracy', '--trials', '2'], 'a log scale needs bounds above 0, got low 0.'],
      [['train.lr=interval(0.1, 1)', '--objective', 'evalute.accuracy', '--trials', '2'], 'TUNE_OBJECTIVE_UNKNOWN: --objective evalute.accuracy: the pipeline has no action `evalute` (actions: ingest, split, train, evaluate). Did you mean `evaluate`?'],
      [['train.epochs=choice(10, 20)', '--objective', 'evaluate.accuracy', '--trials', '2', '--sampler', 'cmaes'], 'TUNE_SAMPLER_UNSUITABLE: The cmaes sampler searches numbers, but every dimension here is a choice (train.epochs).'],
      [['train.lr=interval(0.1, 1)', '--objective', 'evaluate.accuracy'], 'USAGE_INVALID: aero tune needs a budget: --trials N (or tune.trials in the config).'],
    ];
    for (const [args, message] of cases) {
      const r = await aero(dir, 'tune', ...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain(message);
    }
    expect(existsSync(join(dir, '.aero/runs'))).toBe(false);
  });

  it('tpe with -j 2 through Optuna; tune show lists the trials best first and the command of the best', { timeout: 300_000 }, async () => {
    const dir = await copyQuickstart();
    const env = { AERO_OPTUNA_PYTHON: python };
    const { result } = startAero(dir, ['tune', ...space, '--objective', 'evaluate.accuracy', '--direction', 'maximize', '--trials', '4', '-j', '2', '--sampler', 'tpe', '--seed', '1', '--study', 'lr', '--json'], env);
    const r = await result;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const trials = events(r.stdout).filter((e) => e.event === 'tune.trial');
    expect(trials.map((t) => t.number).sort()).toEqual([0, 1, 2, 3]);
    expect(existsSync(join(dir, '.aero/tune/lr/optuna-journal.log'))).toBe(true);
    const show = await aero(dir, 'tune', 'show', '--study', 'lr');
    expect(show.code).toBe(0);
    const lines = show.stdout.split('\n');
    expect(lines[0]).toBe('Study lr: evaluate.accuracy (maximize), sampler tpe');
    expect(lines[1]).toMatch(/^TRIAL\s+STATE\s+VALUE\s+TRAIN\.LR\s+RUN$/);
    const values = lines.slice(2, 6).map((l) => Number(l.split(/\s+/)[2]));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const best = events(r.stdout).at(-1)!.best;
    expect(show.stdout).toContain(`Run it: aero run ${best.overrides.join(' ')}`);
    expect(show.stdout).toContain('Dashboard: optuna-dashboard .aero/tune/lr/optuna-journal.log');
    expect(await refused(dir, 'tune', 'show', '--study', 'rl')).toContain('TUNE_STUDY_NOT_FOUND: No study named `rl` (studies: lr). Did you mean `lr`?');
  });

  it('reads a tune: block from a YAML config (conf/config.yaml), under the command line', { timeout: 120_000 }, async () => {
    const dir = await makeProject('tune-yaml', {
      'aero.config.ts': `import { yamlConfig } from '@aeroml/config-yaml';
import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';
const quad = defineAction({
  name: 'quad',
  params: z.object({ x: z.number(), y: z.number() }),
  outputs: { result: { handler: 'json' } },
  async run({ params, log, outputs }) {
    const loss = (params.x - 1) ** 2 + params.y ** 2;
    log.metric('loss', loss);
    await outputs.result.write({ loss });
  },
});
export default defineConfig({ actions: [quad], plugins: [yamlConfig({ dir: 'conf' })] });
`,
      'conf/config.yaml': ['quad:', '  x: 0', '  y: 0', 'tune:', '  space:', "    quad.x: 'interval(-2, 2)'", "    quad.y: 'choice(0, 1)'", '  objective: quad.loss', '  trials: 3', '  sampler: random', ''].join('\n'),
    });
    const r = await aero(dir, 'tune', 'quad.y=1', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const trials = events(r.stdout).filter((e) => e.event === 'tune.trial');
    expect(trials).toHaveLength(3);
    // The command line's quad.y=1 replaced the YAML dimension for quad.y: only quad.x is searched.
    for (const t of trials) {
      expect(Object.keys(t.params)).toEqual(['quad.x']);
      expect(t.value).toBeCloseTo(((t.params['quad.x'] as number) - 1) ** 2 + 1, 10);
    }
    const bad = await makeProject('tune-yaml-bad', { 'aero.config.ts': "import { yamlConfig } from '@aeroml/config-yaml';\nimport { defineConfig } from '@aeroml/core';\nexport default defineConfig({ actions: [], plugins: [yamlConfig({ dir: 'conf' })] });\n", 'conf/config.yaml': 'tune:\n  trails: 3\n' });
    expect(await refused(bad, 'tune', 'x=interval(0, 1)', '--objective', 'a.b')).toContain('CONFIG_INVALID: the YAML config: the tune block is invalid:\n  - unknown key `tune.trails`');
  });

  it('gp (Optuna GPSampler on torch, CPU only) end to end: every trial told, the study resumed without rerunning one', { timeout: 300_000 }, async () => {
    const dir = await makeProject('tune-gp', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';
const quad = defineAction({
  name: 'quad',
  params: z.object({ x: z.number().default(0), y: z.number().default(0) }),
  outputs: { result: { handler: 'json' } },
  async run({ params, log, outputs }) {
    const loss = (params.x - 1) ** 2 + (params.y + 0.5) ** 2;
    log.metric('loss', loss);
    await outputs.result.write({ loss });
  },
});
export default defineConfig({ actions: [quad] });
`,
    });
    const args = ['tune', 'quad.x=interval(-2, 2)', 'quad.y=interval(-2, 2)', '--objective', 'quad.loss', '--trials', '5', '--sampler', 'gp', '--seed', '3', '--study', 'gp', '--python', python, '--json'];
    const r = await aero(dir, ...args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const trials = events(r.stdout).filter((e) => e.event === 'tune.trial');
    expect(trials.map((t) => [t.number, t.state])).toEqual([0, 1, 2, 3, 4].map((n) => [n, 'complete']));
    for (const t of trials) expect(t.value).toBeCloseTo(((t.params['quad.x'] as number) - 1) ** 2 + ((t.params['quad.y'] as number) + 0.5) ** 2, 10);
    const finished = events(r.stdout).at(-1)!;
    expect(finished).toMatchObject({ event: 'tune.finished', trials: { total: 5, ran: 5, failed: 0 } });
    expect(finished.best.value).toBe(Math.min(...trials.map((t) => t.value as number)));
    // Optuna's journal has the five trials as COMPLETE, sampled by GPSampler.
    const told = execFileSync(python, ['-c', `import optuna; from optuna.storages import JournalStorage; from optuna.storages.journal import JournalFileBackend; s = optuna.load_study(study_name='gp', storage=JournalStorage(JournalFileBackend('${join(dir, '.aero/tune/gp/optuna-journal.log')}'))); print(len([t for t in s.trials if t.state.name == 'COMPLETE']))`], { encoding: 'utf8' });
    expect(told.trim()).toBe('5');
    const again = await aero(dir, ...args);
    expect(again.code).toBe(0);
    expect(events(again.stdout).filter((e) => e.event === 'tune.trial')).toHaveLength(0);
    expect(events(again.stdout)[0]).toMatchObject({ event: 'tune.study', sampler: 'gp', resumed: 5, budget: 5 });
  });

  it('Ctrl-C at a terminal (SIGINT to the whole process group, Optuna included) still ends cleanly and resumes', { timeout: 300_000 }, async () => {
    const dir = await copyQuickstart();
    const args = ['tune', ...space, '--objective', 'evaluate.accuracy', '--direction', 'maximize', '--trials', '6', '--sampler', 'tpe', '--json'];
    // A process group of its own, like a terminal's foreground job: the signal reaches aero and its Python bridge.
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: plainEnv({ AERO_OPTUNA_PYTHON: python }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(() => events(stdout).filter((e) => e.event === 'tune.trial').length >= 2, 'two trials');
    process.kill(-child.pid!, 'SIGINT');
    expect(await code).toBe(130);
    expect(stderr).not.toContain('TUNE_OPTUNA_FAILED');
    expect(events(stdout).at(-1)).toMatchObject({ event: 'tune.finished', interrupted: true });
    const resumed = await aero(dir, ...args, '--python', python);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(events(resumed.stdout).at(-1)).toMatchObject({ event: 'tune.finished', interrupted: false, trials: { total: 6 } });
  });

  it('Ctrl-C stops the study (exit 130); the same command then finishes it without rerunning what was done', { timeout: 300_000 }, async () => {
    const dir = await copyQuickstart();
    const args = ['tune', ...space, '--objective', 'evaluate.accuracy', '--direction', 'maximize', '--trials', '6', '--sampler', 'random', '--json'];
    const { child, result, output } = startAero(dir, args);
    await waitFor(() => events(output()).filter((e) => e.event === 'tune.trial').length >= 2, 'two trials');
    child.kill('SIGINT');
    const stopped = await result;
    expect(stopped.code).toBe(130);
    expect(events(stopped.stdout).at(-1)).toMatchObject({ event: 'tune.finished', interrupted: true });
    const done = events(stopped.stdout).filter((e) => e.event === 'tune.trial' && e.state === 'complete').length;
    const resumed = await aero(dir, ...args);
    expect(resumed.code).toBe(0);
    const finished = events(resumed.stdout).at(-1)!;
    expect(finished).toMatchObject({ event: 'tune.finished', interrupted: false, trials: { total: 6 } });
    expect(events(resumed.stdout).filter((e) => e.event === 'tune.trial' && e.state === 'complete')).toHaveLength(6 - done);
  });
});
