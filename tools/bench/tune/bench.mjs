#!/usr/bin/env node
// aero tune: TPE vs random (best after 40 trials, 2-D quadratic and Branin, 10 seeds), Branin vs Optuna run directly in Python, and aero's overhead per trial.
//
//   node tools/bench/tune/bench.mjs [--seeds 10] [--trials 40] [--overhead-trials 40] [--docs]
//
// Each study is aero's tune() (the embedded API the CLI calls) on a fresh project with the
// local store and the JSON handler: one action computes f(x, y) for the trial's params and
// logs it as `value`. Per seed s (0..seeds-1):
//   quadratic  f = (x - 1)² + (y + 2)² on [-5, 5]², minimum 0
//   branin     Branin–Hoo on x ∈ [-5, 10], y ∈ [0, 15], minimum 0.397887
//   tpe and random with seed s, `trials` trials each; the best value of each study.
//   optuna     the same Branin study run by Optuna directly in Python (TPESampler with aero's
//              settings: multivariate, constant liar, seed s): the same sampler without aero.
// Overhead: a study of `overhead-trials` trials of an action that does nothing but log its
// value; (time from the study being ready to its end - the actions' own time) / trials, for
// the built-in random sampler and for tpe (which adds Optuna's ask and tell and its SQLite
// storage), against the target of 50 ms. The one-time start (planning the space, starting
// Python and importing optuna) is reported beside it.
// Needs Optuna: bash tools/optuna/start.sh (AERO_OPTUNA_PYTHON from .tools/optuna.env).
// Prints medians; writes tools/bench/results/tune.json; --docs updates docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir, describeMachine, formatMs, machineMarkdown, markdownTable, median, parseArgs, repoRoot, writeDocsSection, writeResults } from '../lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { seeds: 10, trials: 40, overheadTrials: 40, docs: false, help: false });
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 21).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
for (const pkg of ['packages/core', 'plugins/store-local', 'plugins/handler-text']) {
  if (!existsSync(join(repoRoot, pkg, 'dist', 'index.js'))) {
    console.error(`${pkg}/dist is missing: build it first (cd ${pkg} && npx tsup)`);
    process.exit(1);
  }
}
const envFile = join(repoRoot, '.tools', 'optuna.env');
if (!process.env.AERO_OPTUNA_PYTHON && !existsSync(envFile)) execFileSync('bash', [join(repoRoot, 'tools/optuna/start.sh')], { stdio: 'inherit' });
const python = process.env.AERO_OPTUNA_PYTHON ?? readFileSync(envFile, 'utf8').match(/^AERO_OPTUNA_PYTHON=(.*)$/m)[1];
const optunaVersion = execFileSync(python, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' }).trim();

const core = await import(join(repoRoot, 'packages/core/dist/index.js'));
const { localStore } = await import(join(repoRoot, 'plugins/store-local/dist/index.js'));
const { jsonHandler } = await import(join(repoRoot, 'plugins/handler-text/dist/index.js'));
const { z } = await import(join(repoRoot, 'node_modules/zod/index.js'));

const FUNCTIONS = {
  quadratic: { space: ['f.x=interval(-5, 5)', 'f.y=interval(-5, 5)'], fn: (x, y) => (x - 1) ** 2 + (y + 2) ** 2, minimum: 0 },
  branin: {
    space: ['f.x=interval(-5, 10)', 'f.y=interval(0, 15)'],
    fn: (x, y) => (y - (5.1 / (4 * Math.PI ** 2)) * x ** 2 + (5 / Math.PI) * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10,
    minimum: 0.397887,
  },
};

let actionMs = 0;
function pipeline(name) {
  const f = FUNCTIONS[name];
  const action = core.defineAction({
    name: 'f',
    version: `bench-${name}`,
    params: z.object({ x: z.number().default(0), y: z.number().default(0) }),
    outputs: { result: { handler: 'json' } },
    async run({ params, log, outputs }) {
      const started = performance.now();
      const value = f ? f.fn(params.x, params.y) : params.x;
      log.metric('value', value);
      await outputs.result.write({ value });
      actionMs += performance.now() - started;
    },
  });
  return action;
}

const work = join(benchDir, '.work', 'tune');
rmSync(work, { recursive: true, force: true });
let projects = 0;

async function study(fnName, sampler, seed, trials) {
  const cwd = join(work, `p${projects++}`);
  mkdirSync(cwd, { recursive: true });
  const config = core.defineConfig({ actions: [pipeline(fnName)], plugins: [localStore({ cwd }), jsonHandler()] });
  const open = (overrides) => core.createAero({ cwd, config, overrides });
  const space = FUNCTIONS[fnName]?.space ?? ['f.x=interval(0, 1)'];
  actionMs = 0;
  const started = performance.now();
  // The study is ready (space planned, Optuna's process started) when it emits tune.study:
  // that is once per study; what follows is per trial.
  let ready = started;
  const onEvent = (e) => {
    if (e.event === 'tune.study') ready = performance.now();
  };
  const summary = await core.tune({ open, args: space, objectives: ['f.value'], directions: ['minimize'], trials, sampler, seed, python, onEvent });
  const end = performance.now();
  rmSync(cwd, { recursive: true, force: true });
  return { best: summary.best.value, startupMs: ready - started, trialsMs: end - ready, actionMs, complete: summary.record.trials.filter((t) => t.state === 'complete').length };
}

function optunaBranin(seed, trials) {
  const script = `
import math, optuna, sys
optuna.logging.set_verbosity(optuna.logging.WARNING)
def branin(t):
    x = t.suggest_float('x', -5, 10); y = t.suggest_float('y', 0, 15)
    return (y - 5.1 / (4 * math.pi ** 2) * x ** 2 + 5 / math.pi * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10
s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=${seed}, multivariate=True, constant_liar=True))
s.optimize(branin, n_trials=${trials})
print(s.best_value)`;
  return Number(execFileSync(python, ['-c', script], { encoding: 'utf8' }).trim());
}

const seeds = Array.from({ length: opts.seeds }, (_, i) => i);
const results = { quadratic: { tpe: [], random: [] }, branin: { tpe: [], random: [], optuna: [] } };
for (const seed of seeds) {
  for (const fnName of ['quadratic', 'branin']) {
    for (const sampler of ['tpe', 'random']) results[fnName][sampler].push((await study(fnName, sampler, seed, opts.trials)).best);
  }
  results.branin.optuna.push(optunaBranin(seed, opts.trials));
  process.stderr.write(`seed ${seed}: quadratic tpe ${results.quadratic.tpe.at(-1).toFixed(4)} random ${results.quadratic.random.at(-1).toFixed(4)}; branin tpe ${results.branin.tpe.at(-1).toFixed(4)} random ${results.branin.random.at(-1).toFixed(4)} optuna ${results.branin.optuna.at(-1).toFixed(4)}\n`);
}

const overhead = {};
for (const sampler of ['random', 'tpe']) {
  const runs = [];
  for (let r = 0; r < 3; r++) runs.push(await study(undefined, sampler, r, opts.overheadTrials));
  overhead[sampler] = { perTrialMs: median(runs.map((r) => (r.trialsMs - r.actionMs) / r.complete)), startupMs: median(runs.map((r) => r.startupMs)) };
}

const wins = (a, b) => a.filter((v, i) => v < b[i]).length;
// Same sampler, same seeds, same space: aero adds nothing TPE sees, so the studies should match trial for trial.
const sameAsOptuna = results.branin.tpe.filter((v, i) => Math.abs(v - results.branin.optuna[i]) < 1e-9).length;
const fmt = (v) => (v === undefined ? '–' : v.toFixed(4));
const rows = [
  ['quadratic (min 0)', fmt(median(results.quadratic.tpe)), fmt(median(results.quadratic.random)), '–', `${wins(results.quadratic.tpe, results.quadratic.random)}/${opts.seeds}`],
  ['branin (min 0.397887)', fmt(median(results.branin.tpe)), fmt(median(results.branin.random)), fmt(median(results.branin.optuna)), `${wins(results.branin.tpe, results.branin.random)}/${opts.seeds}`],
];
const table = markdownTable(['function', 'aero tpe: best (median)', 'aero random: best (median)', 'Optuna TPE in Python: best (median)', 'seeds where tpe beat random'], rows);
const overheadTable = markdownTable(
  ['sampler', 'overhead per trial (median of 3 studies)', 'target ≤ 50 ms', 'once per study (plan the space, start Optuna)'],
  Object.entries(overhead).map(([s, o]) => [s, formatMs(o.perTrialMs), o.perTrialMs <= 50 ? 'met' : 'missed', formatMs(o.startupMs)]),
);
console.log(`${table}\n\nsame best as Optuna in Python: ${sameAsOptuna}/${opts.seeds} seeds\n\n${overheadTable}`);
const machine = describeMachine({ optuna: optunaVersion });
const file = writeResults('tune', { opts, results, sameAsOptuna, overhead, machine });
console.log(`results: ${file}`);
if (opts.docs) {
  const docs = writeDocsSection(
    'tune',
    `## tune (aero tune: samplers and overhead)\n\n\`node tools/bench/tune/bench.mjs\`: best value after ${opts.trials} trials, median over ${opts.seeds} seeds (0..${opts.seeds - 1}); each study is \`tune()\` on a fresh project with the local store. "Optuna TPE in Python" is the same Branin study run by Optuna ${optunaVersion} directly (same TPE settings and seeds), without aero.\n\n${table}\n\naero's TPE study and Optuna's own reach the same best Branin value on ${sameAsOptuna}/${opts.seeds} seeds.\n\nOverhead per trial beyond the action (from the study being ready to its end, minus the actions' own time, divided by the trials; ${opts.overheadTrials} trials of an action that only logs its value). For tpe it includes Optuna's ask and tell over the bridge.\n\n${overheadTable}\n\n${machineMarkdown(machine)}`,
  );
  console.log(`docs: ${docs}`);
}
rmSync(work, { recursive: true, force: true });
