import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, resumeCommand, type AeroError, type TuneEvent, type TuneOptions } from '../src/index.js';
import { jsonHandler, memoryStore } from './fixtures.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The venv tools/optuna/start.sh makes (run here when it is not there yet: a real Optuna, no mock). */
function optunaPython(): string {
  const envFile = join(REPO, '.tools/optuna.env');
  if (!existsSync(envFile)) execFileSync('bash', [join(REPO, 'tools/optuna/start.sh')], { stdio: 'ignore' });
  const line = readFileSync(envFile, 'utf8').split('\n').find((l) => l.startsWith('AERO_OPTUNA_PYTHON='));
  return line!.slice('AERO_OPTUNA_PYTHON='.length);
}

/** Python that opens a study's journal file the way optuna-dashboard does. */
const JOURNAL = 'import optuna; from optuna.storages import JournalStorage; from optuna.storages.journal import JournalFileBackend; journal = lambda p: JournalStorage(JournalFileBackend(p))';

const state = { runs: 0, prunedReasons: [] as string[], interruptAt: -1, abort: undefined as (() => void) | undefined };

/** loss = (x - 1)² + (y + 2)², logged over `steps` steps (it approaches the final value from above). */
const quad = defineAction({
  name: 'quad',
  params: z.object({ x: z.number().default(0), y: z.number().default(0), steps: z.number().int().default(1), stepMs: z.number().default(0), silentBelow: z.number().default(-Infinity) }),
  outputs: { result: { handler: 'json' } },
  async run({ params, outputs, log, signal }) {
    state.runs++;
    const loss = (params.x - 1) ** 2 + (params.y + 2) ** 2;
    if (state.interruptAt === params.x) state.abort?.(); // a Ctrl-C during this trial
    for (let step = 0; step < params.steps; step++) {
      if (params.x >= params.silentBelow) log.metric('loss', loss + 1 / (step + 1), step);
      if (params.stepMs) await new Promise((r) => setTimeout(r, params.stepMs));
      if (signal.aborted) {
        state.prunedReasons.push((signal.reason as AeroError | undefined)?.code ?? 'none');
        throw signal.reason;
      }
    }
    if (params.x >= params.silentBelow && params.steps > 0) log.metric('loss', loss, params.steps);
    await outputs.result.write({ loss });
  },
});

async function project() {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-tune-'));
  const config = defineConfig({ actions: [quad], plugins: [memoryStore(), jsonHandler()] });
  return { cwd, open: (overrides: string[]) => createAero({ cwd, config, overrides }) };
}

async function study(p: { open: TuneOptions['open'] }, options: Partial<TuneOptions> & { args: string[] }) {
  const { tune } = await import('../src/index.js');
  const events: TuneEvent[] = [];
  const summary = await tune({ open: p.open, objectives: ['quad.loss'], directions: ['minimize'], trials: 4, onEvent: (e) => events.push(e), ...options });
  return { summary, events, trials: events.filter((e): e is Extract<TuneEvent, { event: 'tune.trial' }> => e.event === 'tune.trial') };
}

async function thrown(promise: Promise<unknown>): Promise<AeroError> {
  try {
    await promise;
  } catch (error) {
    return error as AeroError;
  }
  throw new Error('expected an error');
}

describe('aero tune study loop (built-in samplers, no Python)', () => {
  it('runs N trials, resumes without rerunning any, and --trials 8 after 6 runs 2 more', async () => {
    const p = await project();
    state.runs = 0;
    const args = ['quad.x=interval(-4, 4)', 'quad.y=interval(-4, 4)'];
    const first = await study(p, { args, sampler: 'random', seed: 3, trials: 6 });
    expect(first.trials).toHaveLength(6);
    expect(first.trials.every((t) => t.state === 'complete' && typeof t.value === 'number')).toBe(true);
    expect(state.runs).toBe(6);
    const finished = first.events.at(-1)!;
    expect(finished).toMatchObject({ event: 'tune.finished', trials: { total: 6, ran: 6, cached: 0, pruned: 0, failed: 0 }, interrupted: false });
    const values = first.trials.map((t) => t.value!);
    expect(first.summary.best!.value).toBe(Math.min(...values));
    // Each trial's value is the action's loss for its params.
    for (const t of first.trials) expect(t.value).toBeCloseTo(((t.params['quad.x'] as number) - 1) ** 2 + ((t.params['quad.y'] as number) + 2) ** 2, 10);

    const again = await study(p, { args, sampler: 'random', seed: 3, trials: 6 });
    expect(again.trials).toHaveLength(0);
    expect(state.runs).toBe(6);
    expect(again.events.at(-1)).toMatchObject({ trials: { total: 6, ran: 0, cached: 6 } });

    const more = await study(p, { args, sampler: 'random', seed: 3, trials: 8 });
    expect(more.trials.map((t) => t.number)).toEqual([6, 7]);
    expect(state.runs).toBe(8);
    // New draws, never trial 0's params again.
    const all = more.summary.record.trials.map((t) => JSON.stringify(t.params));
    expect(new Set(all).size).toBe(8);
    const record = JSON.parse(await readFile(join(p.cwd, '.aero/tune', first.summary.study, 'study.json'), 'utf8'));
    expect(record.trials).toHaveLength(8);
    expect(record.trials[0]).toMatchObject({ number: 0, state: 'complete', overrides: [expect.stringMatching(/^quad\.x=/), expect.stringMatching(/^quad\.y=/)] });
  });

  it('serves a trial whose params ran before from the cache (grid over a finished study of another name)', async () => {
    const p = await project();
    state.runs = 0;
    const args = ['quad.x=range(0, 3)', 'quad.y=choice(-2, 0)'];
    const a = await study(p, { args, sampler: 'grid', trials: 10, study: 'grid-a' });
    expect(a.trials).toHaveLength(6); // the grid has 6 points: the budget stops there
    expect(state.runs).toBe(6);
    const b = await study(p, { args, sampler: 'grid', seed: 5, trials: 6, study: 'grid-b' });
    expect(state.runs).toBe(6);
    expect(b.trials.every((t) => t.cached === true && t.state === 'complete')).toBe(true);
    expect(b.events.at(-1)).toMatchObject({ trials: { total: 6, ran: 0, cached: 6 } });
    expect(b.summary.best).toMatchObject({ value: 0, params: { 'quad.x': 1, 'quad.y': -2 } });
  });

  it('fails a trial that never logs the objective, naming trial and metric, and goes on', async () => {
    const p = await project();
    const { trials, summary } = await study(p, { args: ['quad.x=choice(-1, 2)', 'quad.silentBelow=0'], sampler: 'grid', trials: 2 });
    const failed = trials.find((t) => t.state === 'failed')!;
    expect(failed.error!.code).toBe('TUNE_OBJECTIVE_MISSING');
    expect(failed.error!.message).toBe(`Trial ${failed.number} (quad.x=-1): action \`quad\` finished without logging the metric \`loss\` (it logged no metric). Log it with log.metric('loss', value).`);
    expect(trials.find((t) => t.state === 'complete')).toMatchObject({ params: { 'quad.x': 2 } });
    expect(summary.counts).toMatchObject({ total: 2, failed: 1 });
  });

  it('refuses bad input before any trial runs', async () => {
    const p = await project();
    state.runs = 0;
    const unknown = await thrown(study(p, { args: ['quad.z=interval(0, 1)'], sampler: 'random' }));
    expect(unknown.code).toBe('PLAN_UNKNOWN_PARAM');
    expect(unknown.message).toContain('Unknown param `quad.z`');
    expect(unknown.hint).toContain('quad.x');
    const objective = await thrown(study(p, { args: ['quad.x=interval(0, 1)'], objectives: ['qaud.loss'] }));
    expect(objective.code).toBe('TUNE_OBJECTIVE_UNKNOWN');
    expect(objective.message).toBe('--objective qaud.loss: the pipeline has no action `qaud` (actions: quad). Did you mean `quad`?');
    const cmaes = await thrown(study(p, { args: ['quad.x=choice(1, 2)'], sampler: 'cmaes' }));
    expect(cmaes.code).toBe('TUNE_SAMPLER_UNSUITABLE');
    expect(cmaes.message).toBe('The cmaes sampler searches numbers, but every dimension here is a choice (quad.x).');
    const sampler = await thrown(study(p, { args: ['quad.x=choice(1, 2)'], sampler: 'tpz' }));
    expect(sampler.message).toBe('Unknown sampler `tpz` (known: grid, random, tpe, cmaes, gp). Did you mean `tpe` or `gp`?');
    const space = await thrown(study(p, { args: ['quad.x=interval(3, 1)'] }));
    expect(space.code).toBe('TUNE_SPACE_INVALID');
    const type = await thrown(study(p, { args: ['quad.steps=interval(1, 3)'], sampler: 'random' }));
    expect(type.code).toBe('PLAN_INVALID_PARAMS');
    expect(state.runs).toBe(0);
    await study(p, { args: ['quad.x=choice(1, 2)'], sampler: 'grid', trials: 1, study: 'fixed-name' });
    const mismatch = await thrown(study(p, { args: ['quad.x=choice(1, 3)'], sampler: 'grid', trials: 1, study: 'fixed-name' }));
    expect(mismatch.code).toBe('TUNE_STUDY_MISMATCH');
    expect(mismatch.message).toBe('Study `fixed-name` was started with a different search space; a study keeps the objectives, space, fixed overrides, sampler, pruner and seed it was started with.');
    // The hint's command is the one the study was started with (aero tune show prints it too).
    const command = "aero tune 'quad.x=choice(1, 2)' --objective quad.loss --direction minimize --trials 1 --sampler grid --seed 0 --study fixed-name";
    expect(mismatch.hint).toBe(`Resume it as it was started (aero tune show --study fixed-name prints this too): ${command}; or start another study with --study <new name>.`);
    const fixed = await thrown(study(p, { args: ['quad.x=choice(1, 2)', 'quad.y=1'], sampler: 'grid', seed: 4, trials: 1, study: 'fixed-name' }));
    expect(fixed.message).toBe(
      'Study `fixed-name` was started with other fixed overrides (then none, now `quad.y=1`) and a different seed (then 0, now 4); a study keeps the objectives, space, fixed overrides, sampler, pruner and seed it was started with.',
    );
    // Those arguments resume it: nothing is refused and nothing runs again.
    const resumed = await study(p, { args: ['quad.x=choice(1, 2)'], sampler: 'grid', seed: 0, trials: 1, study: 'fixed-name' });
    expect(resumed.trials).toHaveLength(0);
    expect(resumeCommand(resumed.summary.record)).toBe(command);
    const bad = await thrown(study(p, { args: ['quad.x=choice(1, 2)'], study: '../out' }));
    expect(bad.code).toBe('TUNE_OPTIONS_INVALID');
  });

  it('refuses a launcher no plugin provides before the study starts, as aero run does: no study folder, no trial', async () => {
    const p = await project();
    state.runs = 0;
    const asRun = await thrown((await p.open([])).run({ launcher: 'nope' }));
    const error = await thrown(study(p, { args: ['quad.x=interval(0.01, 0.5)'], sampler: 'random', trials: 2, launcher: 'nope', study: 'lt' }));
    expect(error.code).toBe('LAUNCHER_NOT_FOUND');
    expect(error.message).toBe('No launcher named `nope` (available: inline, process).');
    expect(error.hint).toBe('Add the launcher plugin to `plugins` in aero.config.ts, e.g. slurmLauncher().');
    expect({ message: error.message, hint: error.hint }).toEqual({ message: asRun.message, hint: asRun.hint });
    expect(existsSync(join(p.cwd, '.aero/tune'))).toBe(false);
    expect(state.runs).toBe(0);
    // An action's own launcher is checked the same way; the right --launcher then runs the whole budget.
    const pinned = defineAction({ name: 'far', launcher: 'slurm', outputs: { out: { handler: 'json' } }, async run({ outputs }) { await outputs.out.write({}); } });
    const cwd = await mkdtemp(join(tmpdir(), 'aero-tune-'));
    const config = defineConfig({ actions: [quad, pinned], plugins: [memoryStore(), jsonHandler()] });
    const own = await thrown(study({ open: (overrides) => createAero({ cwd, config, overrides }) }, { args: ['quad.x=interval(0, 1)'], sampler: 'random', trials: 1 }));
    expect(own.message).toBe('No launcher named `slurm` (available: inline, process).');
    const { summary } = await study(p, { args: ['quad.x=interval(0.01, 0.5)'], sampler: 'random', trials: 2, launcher: 'inline', study: 'lt' });
    expect(summary.counts).toMatchObject({ total: 2, ran: 2, failed: 0 });
  });

  it('counts a trial as ran, not cached, when any action of its run ran (an upstream param the objective does not read)', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-tune-'));
    let prepRuns = 0;
    let quadRuns = 0;
    // `note` changes prep's `notes` output only; quad reads `data`, which stays the same.
    const prep = defineAction({
      name: 'prep',
      params: z.object({ note: z.string().default('a') }),
      outputs: { data: { handler: 'json' }, notes: { handler: 'json' } },
      async run({ params, outputs }) {
        prepRuns++;
        await outputs.data.write({ offset: 0 });
        await outputs.notes.write({ note: params.note });
      },
    });
    const scored = defineAction({
      name: 'quad',
      params: z.object({ x: z.number().default(0) }),
      inputs: { data: prep.output('data') },
      outputs: { result: { handler: 'json' } },
      async run({ params, log, outputs }) {
        quadRuns++;
        log.metric('loss', (params.x - 1) ** 2);
        await outputs.result.write({});
      },
    });
    const config = defineConfig({ actions: [prep, scored], plugins: [memoryStore(), jsonHandler()] });
    const p = { open: (overrides: string[]) => createAero({ cwd, config, overrides }) };
    // Each trial's note is new, so prep runs in both; quad's input and params do not change, so it runs once.
    const args = ['prep.note=choice(a, b)', 'quad.x=1'];
    const notes = await study(p, { args, sampler: 'grid', trials: 2, study: 'notes' });
    expect({ prepRuns, quadRuns }).toEqual({ prepRuns: 2, quadRuns: 1 });
    expect(notes.trials.map((t) => t.state)).toEqual(['complete', 'complete']);
    expect(notes.trials.map((t) => t.cached)).toEqual([undefined, undefined]);
    expect(notes.summary.record.trials.map((t) => t.cached)).toEqual([false, false]);
    expect(notes.summary.counts).toMatchObject({ total: 2, ran: 2, cached: 0 });
    // The same params under another study: every action is a cache hit, so both trials cost nothing.
    const again = await study(p, { args, sampler: 'grid', trials: 2, study: 'notes-again' });
    expect({ prepRuns, quadRuns }).toEqual({ prepRuns: 2, quadRuns: 1 });
    expect(again.trials.map((t) => t.cached)).toEqual([true, true]);
    expect(again.summary.counts).toMatchObject({ total: 2, ran: 0, cached: 2 });
  });

  it('Ctrl-C interrupts the running trial; the rerun retries its params and finishes the budget', async () => {
    const p = await project();
    state.runs = 0;
    const controller = new AbortController();
    state.abort = () => controller.abort();
    state.interruptAt = 2;
    const args = ['quad.x=range(0, 5)'];
    const first = await study(p, { args, sampler: 'grid', seed: 0, trials: 5, signal: controller.signal, study: 'ctrl-c' });
    expect(first.summary.interrupted).toBe(true);
    const interrupted = first.summary.record.trials.find((t) => t.state === 'interrupted')!;
    expect(interrupted.params).toEqual({ 'quad.x': 2 });
    state.interruptAt = -1;
    const second = await study(p, { args, sampler: 'grid', seed: 0, trials: 5, study: 'ctrl-c' });
    expect(second.trials[0]).toMatchObject({ params: { 'quad.x': 2 }, retryOf: interrupted.number, state: 'complete' });
    const done = second.summary.record.trials.filter((t) => t.state === 'complete').map((t) => t.params['quad.x']).sort();
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(second.summary.counts.total).toBe(5);
  });
});

describe('aero tune with Optuna (the real bridge and optuna 5.x)', () => {
  let python: string;
  beforeAll(() => {
    python = optunaPython();
  }, 300_000);

  it('tpe: trials run two at a time, the study lives in Optuna\'s journal file and resumes', async () => {
    const p = await project();
    state.runs = 0;
    const args = ['quad.x=interval(-4, 4)', 'quad.y=interval(-4, 4)'];
    const first = await study(p, { args, sampler: 'tpe', seed: 1, trials: 8, parallel: 2, python });
    expect(first.trials).toHaveLength(8);
    expect(new Set(first.trials.map((t) => t.number))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(existsSync(join(p.cwd, '.aero/tune', first.summary.study, 'optuna-journal.log'))).toBe(true);
    const studyEvent = first.events[0] as Extract<TuneEvent, { event: 'tune.study' }>;
    expect(studyEvent.optunaStorage).toBe(join(p.cwd, '.aero/tune', first.summary.study, 'optuna-journal.log'));
    const more = await study(p, { args, sampler: 'tpe', seed: 1, trials: 10, parallel: 2, python });
    expect(more.trials.map((t) => t.number).sort()).toEqual([8, 9]);
    expect(state.runs).toBe(10);
    // Optuna's own view of the study agrees with aero's record.
    const out = execFileSync(python, ['-c', `${JOURNAL}; s = optuna.load_study(study_name='${first.summary.study}', storage=journal('${join(p.cwd, '.aero/tune', first.summary.study, 'optuna-journal.log')}')); print(len([t for t in s.trials if t.state.name == 'COMPLETE']), s.best_value)`], { encoding: 'utf8' });
    const [complete, bestValue] = out.trim().split(' ');
    expect(Number(complete)).toBe(10);
    expect(Number(bestValue)).toBeCloseTo(more.summary.best!.value!, 10);
  }, 120_000);

  it('median pruner: a trial whose intermediate values are worse than the median is stopped with TUNE_TRIAL_PRUNED', async () => {
    const p = await project();
    state.prunedReasons = [];
    const { trials, summary } = await study(p, {
      args: ['quad.x=range(0, 12)', 'quad.steps=12', 'quad.stepMs=40'],
      sampler: 'grid',
      seed: 2,
      pruner: 'median',
      trials: 12,
      python,
    });
    const pruned = trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    expect(pruned[0]!.error!.code).toBe('TUNE_TRIAL_PRUNED');
    expect(state.prunedReasons).toContain('TUNE_TRIAL_PRUNED');
    expect(summary.counts.pruned).toBe(pruned.length);
    // Pruned trials are pruned in Optuna's storage too.
    const out = execFileSync(python, ['-c', `${JOURNAL}; s = optuna.load_study(study_name='${summary.study}', storage=journal('${join(p.cwd, '.aero/tune', summary.study, 'optuna-journal.log')}')); print(len([t for t in s.trials if t.state.name == 'PRUNED']))`], { encoding: 'utf8' });
    expect(Number(out.trim())).toBe(pruned.length);
  }, 120_000);

  it('a missing Python or optuna is TUNE_OPTUNA_MISSING with the install command', async () => {
    const p = await project();
    const none = await thrown(study(p, { args: ['quad.x=interval(0, 1)'], sampler: 'tpe', python: '/nonexistent/python3' }));
    expect(none.code).toBe('TUNE_OPTUNA_MISSING');
    expect(none.message).toBe('Python `/nonexistent/python3` was not found; the tpe, cmaes and gp samplers and the pruners run in Optuna.');
    expect(none.hint).toContain("python3 -m pip install 'optuna>=5,<6' cmaes");
    const bare = await mkdtemp(join(tmpdir(), 'aero-bare-py-'));
    execFileSync('python3', ['-m', 'venv', '--without-pip', bare]);
    const noOptuna = await thrown(study(p, { args: ['quad.x=interval(0, 1)'], sampler: 'tpe', python: join(bare, 'bin/python') }));
    expect(noOptuna.code).toBe('TUNE_OPTUNA_MISSING');
    expect(noOptuna.message).toBe(`Python \`${join(bare, 'bin/python')}\` cannot import optuna, which the tpe, cmaes and gp samplers and the pruners need.`);
    expect(noOptuna.hint).toContain(`${join(bare, 'bin/python')} -m pip install 'optuna>=5,<6' cmaes`);
    // gp needs torch and scipy: tools/optuna/start.sh installs them, and gp runs for real.
    const hasTorch = spawnSync(python, ['-c', 'import torch, scipy']);
    expect(hasTorch.stderr.toString(), `${python} cannot import torch and scipy: run bash tools/optuna/start.sh`).not.toMatch(/Error/);
    const { trials } = await study(p, { args: ['quad.x=interval(0, 2)'], sampler: 'gp', trials: 3, python });
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete']);
    // Without torch (a package on PYTHONPATH that raises ImportError hides it), the error names the pip command.
    const shadow = await mkdtemp(join(tmpdir(), 'aero-no-torch-'));
    await mkdir(join(shadow, 'torch'));
    await writeFile(join(shadow, 'torch', '__init__.py'), 'raise ImportError("No module named \'torch\'")\n');
    const saved = process.env.PYTHONPATH;
    process.env.PYTHONPATH = shadow;
    try {
      const gp = await thrown(study(p, { args: ['quad.x=interval(0, 1)'], sampler: 'gp', python, study: 'no-torch' }));
      expect(gp.code).toBe('TUNE_OPTUNA_MISSING');
      // Refused when Optuna opened the study: the folder made for it is removed again.
      expect(existsSync(join(p.cwd, '.aero/tune/no-torch'))).toBe(false);
      expect(gp.message).toBe(`Optuna (${python}) needs the Python package \`torch\` for this sampler: No module named 'torch'.`);
      expect(gp.hint).toBe(`Run ${python} -m pip install torch scipy, or choose another --sampler (tpe needs nothing more).`);
    } finally {
      if (saved === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = saved;
    }
  }, 60_000);
});

describe('aero tune with a --python that cannot run the bridge (refused before the study starts; no Optuna needed)', () => {
  it('a missing program, one that is not executable, one that exits printing nothing and one without optuna: each a coded error, no study folder', async () => {
    const p = await project();
    state.runs = 0;
    const tuneWith = (python: string, name: string) => thrown(study(p, { args: ['quad.x=interval(0, 1)'], sampler: 'tpe', python, study: name }));
    const install = "python3 -m pip install 'optuna>=5,<6' cmaes";

    const missing = await tuneWith('/nonexistent/python3', 'missing');
    expect(missing.code).toBe('TUNE_OPTUNA_MISSING');
    expect(missing.message).toBe('Python `/nonexistent/python3` was not found; the tpe, cmaes and gp samplers and the pruners run in Optuna.');

    const file = join(p.cwd, 'aero.config.ts');
    await writeFile(file, 'export default {};\n');
    await chmod(file, 0o644);
    const notExecutable = await tuneWith(file, 'not-executable');
    expect(notExecutable.code).toBe('TUNE_OPTUNA_MISSING');
    expect(notExecutable.message).toBe(`Python \`${file}\` cannot be run (EACCES: it is not an executable file); the tpe, cmaes and gp samplers and the pruners run in Optuna.`);
    expect(notExecutable.hint).toBe(`Install Python 3, then run ${install} (or bash tools/optuna/start.sh in the aero repo), or point AERO_OPTUNA_PYTHON or --python at a Python that has optuna.`);

    const silent = await tuneWith('/bin/false', 'silent');
    expect(silent.code).toBe('TUNE_OPTUNA_FAILED');
    expect(silent.message).toBe('The Optuna bridge (/bin/false) exited with code 1 before it started, and printed nothing: `/bin/false` does not look like a Python interpreter.');
    expect(silent.hint).toBe(`Check --python (or AERO_OPTUNA_PYTHON, else python3 on PATH): \`/bin/false\` must be a Python 3 interpreter that has optuna (${install} installs it).`);

    // A program that prints something else first (echo prints its arguments: the bridge's source).
    const echo = await tuneWith('/bin/echo', 'echo');
    expect(echo.code).toBe('TUNE_OPTUNA_FAILED');
    expect(echo.message).toBe('The Optuna bridge (/bin/echo) printed `-u -c """The Optuna side of aero tune: one long-lived process per study, speaking` instead of its ready line: `/bin/echo` does not look like a Python interpreter.');
    expect(echo.hint).toBe(silent.hint!.replaceAll('/bin/false', '/bin/echo'));

    const bare = await mkdtemp(join(tmpdir(), 'aero-bare-py-'));
    execFileSync('python3', ['-m', 'venv', '--without-pip', bare]);
    const noOptuna = await tuneWith(join(bare, 'bin/python'), 'no-optuna');
    expect(noOptuna.code).toBe('TUNE_OPTUNA_MISSING');
    expect(noOptuna.message).toBe(`Python \`${join(bare, 'bin/python')}\` cannot import optuna, which the tpe, cmaes and gp samplers and the pruners need.`);

    // Nothing was recorded: no study folder (not even .aero/tune), no trial run.
    expect(existsSync(join(p.cwd, '.aero/tune'))).toBe(false);
    expect(state.runs).toBe(0);
  }, 60_000);
});
