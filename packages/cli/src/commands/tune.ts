import type { Aero, StudyRecord, TuneEvent } from '@aeroml/core';
import { join, relative } from 'node:path';
import type { ParsedArgs } from '../args.js';
import { intOption, UsageError } from '../args.js';
import { table, type IO } from '../io.js';
import { twoStageInterrupt } from '../interrupt.js';
import { openProject } from '../project.js';

const strings = (value: string | boolean | string[] | undefined): string[] => (value === undefined || typeof value === 'boolean' ? [] : Array.isArray(value) ? value : [value]);
const string = (value: string | boolean | string[] | undefined): string | undefined => strings(value).at(-1);

function formatValue(value: number | undefined): string {
  if (value === undefined) return '-';
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6 ? String(Number(value.toPrecision(6))) : value.toExponential(4);
}

const formatParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatValue(v) : String(v)}`)
    .join(' ');

/** `aero tune ...` runs a study; `aero tune show` prints one. */
export default async function tuneCommand(args: ParsedArgs, io: IO): Promise<number> {
  if (args.positionals[0] === 'show') return show(args, io);
  const core = await import('@aeroml/core');
  // The config is loaded once: every trial's project is opened from it, and its plugins
  // (shared by all trials) are closed once, with this project, at the end.
  const loaded = await openProject(args);
  try {
    return await runTune(args, io, core, loaded);
  } finally {
    await loaded.close();
  }
}

async function runTune(args: ParsedArgs, io: IO, core: typeof import('@aeroml/core'), loaded: Aero): Promise<number> {
  const open = (overrides: string[]) => openProject(args, overrides, loaded);
  // The config's tune blocks (aero.config.ts, then YAML) under the command line's flags.
  const fromTs = core.parseTuneConfig(loaded.config.tune, loaded.configFile ? relative(loaded.cwd, loaded.configFile) : 'aero.config.ts');
  // A YAML config's top-level tune: block (config-yaml hands it over, out of params).
  const fileConfig = loaded.tuneBlock === undefined ? fromTs : core.mergeTuneConfigs(fromTs, core.parseTuneConfig(loaded.tuneBlock, 'the YAML config'));
  const objectives = strings(args.values.objective);
  const directions = strings(args.values.direction);
  const trials = intOption('trials', args.values.trials) ?? fileConfig.trials;
  if (trials === undefined) throw new UsageError('aero tune needs a budget: --trials N (or tune.trials in the config).');
  const seedText = string(args.values.seed);
  const seed = seedText === undefined ? fileConfig.seed : Number(seedText);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed needs a whole number, got \`${seedText}\`.`);

  const interrupt = twoStageInterrupt(io, '\n[aero] Interrupted: stopping the running trials (told to Optuna as failed; the next aero tune retries them). Ctrl-C again to quit now.');
  const json = Boolean(args.values.json);
  try {
    const summary = await core.tune({
      open,
      args: core.mergeSpaceArgs(fileConfig, args.positionals),
      objectives: objectives.length ? objectives : core.asTuneList(fileConfig.objective),
      directions: directions.length ? directions : core.asTuneList(fileConfig.direction).length ? core.asTuneList(fileConfig.direction) : ['minimize'],
      trials,
      sampler: string(args.values.sampler) ?? fileConfig.sampler,
      pruner: string(args.values.pruner) ?? fileConfig.pruner,
      seed,
      parallel: intOption('jobs', args.values.jobs) ?? fileConfig.parallel,
      launcher: string(args.values.launcher),
      study: string(args.values.study) ?? fileConfig.study,
      python: string(args.values.python),
      signal: interrupt.signal,
      onEvent: (event) => (json ? io.out(JSON.stringify(event)) : printEvent(io, event)),
    });
    if (summary.interrupted) return 130;
    return summary.record.trials.some((t) => t.state === 'complete') ? 0 : 1;
  } finally {
    interrupt.release();
  }
}

function printEvent(io: IO, event: TuneEvent): void {
  if (event.event === 'tune.warning') {
    io.err(`[aero] warning: ${event.message}`);
  } else if (event.event === 'tune.study') {
    const resumed = event.resumed > 0 ? `, resuming after ${event.resumed} trial(s)` : '';
    io.out(`[tune] study ${event.study}: ${event.budget} trials, sampler ${event.sampler}${event.pruner !== 'none' ? `, pruner ${event.pruner}` : ''}${resumed}`);
  } else if (event.event === 'tune.trial') {
    const value = event.values ? event.values.map(formatValue).join(', ') : formatValue(event.value);
    const mark = event.state === 'complete' ? '✓' : event.state === 'pruned' ? '-' : event.state === 'interrupted' ? '!' : '✗';
    const extra = event.cached ? ' (cached)' : event.retryOf !== undefined ? ` (retry of ${event.retryOf})` : '';
    // A failure says its code, as every other aero error does (a pruned trial's is TUNE_TRIAL_PRUNED: no news).
    const tail = event.state === 'complete' ? `value ${value}` : event.error ? (event.state === 'pruned' ? event.error.message : `${event.error.code}: ${event.error.message}`) : event.state;
    io.out(`${mark} trial ${String(event.number).padEnd(3)} ${event.state.padEnd(11)} ${formatParams(event.params)}  ${tail}${extra}`);
  } else {
    const t = event.trials;
    io.out(`[tune] ${event.interrupted ? 'interrupted' : 'finished'}: ${t.total} trials (${t.ran} ran, ${t.cached} cached, ${t.pruned} pruned, ${t.failed} failed)`);
    if (event.best) io.out(`[tune] best: trial ${event.best.number}, value ${formatValue(event.best.value)}: ${formatParams(event.best.params)}`);
    for (const p of event.pareto ?? []) io.out(`[tune] pareto: trial ${p.number}, values ${(p.values ?? []).map(formatValue).join(', ')}: ${formatParams(p.params)}`);
    io.out(`[tune] details: aero tune show --study ${event.study}`);
  }
}

async function show(args: ParsedArgs, io: IO): Promise<number> {
  if (args.positionals.length > 1) throw new UsageError(`\`aero tune show\` takes no arguments (use --study NAME), got: ${args.positionals.slice(1).join(' ')}.`);
  const core = await import('@aeroml/core');
  const aero = await openProject(args);
  let record: StudyRecord;
  try {
    record = await core.loadStudy(aero.dir, string(args.values.study));
  } finally {
    await aero.close();
  }
  const trials = core.sortedTrials(record);
  const best = core.bestTrials(record);
  const storage = record.optunaStorage ? join(relative(aero.cwd, core.studyDir(aero.dir, record.name)), record.optunaStorage) : undefined;
  if (args.values.json) {
    io.out(JSON.stringify({ study: record.name, objectives: record.objectives, sampler: record.sampler, pruner: record.pruner, trials, best, command: best[0] ? core.runCommand(best[0]) : null, resume: core.resumeCommand(record), ...(storage ? { optunaStorage: storage } : {}) }));
    return 0;
  }
  const objectives = record.objectives.map((o) => `${o.action}.${o.metric}${o.reducer !== 'last' ? `:${o.reducer}` : ''} (${o.direction})`).join(', ');
  io.out(`Study ${record.name}: ${objectives}, sampler ${record.sampler}${record.pruner !== 'none' ? `, pruner ${record.pruner}` : ''}`);
  // The arguments the study was started with: the same command resumes it (a TUNE_STUDY_MISMATCH hint points here).
  const resume = `Resume it: ${core.resumeCommand(record)}`;
  if (trials.length === 0) {
    io.out('No trials yet.');
    io.out(resume);
    return 0;
  }
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const rows = [['TRIAL', 'STATE', record.objectives.length > 1 ? 'VALUES' : 'VALUE', ...keys.map((k) => k.toUpperCase()), 'RUN']];
  for (const t of trials) {
    rows.push([String(t.number), t.state + (t.cached ? ' (cached)' : ''), t.values ? t.values.map(formatValue).join(', ') : '-', ...keys.map((k) => (typeof t.params[k] === 'number' ? formatValue(t.params[k] as number) : String(t.params[k] ?? ''))), t.runId ?? '-']);
  }
  io.out(table(rows));
  if (best.length === 1) {
    io.out(`\nBest: trial ${best[0]!.number}, value ${formatValue(best[0]!.value)}: ${formatParams(best[0]!.params)}`);
    io.out(`Run it: ${core.runCommand(best[0]!)}`);
  } else if (best.length > 1) {
    io.out('\nPareto front:');
    for (const b of best) io.out(`  trial ${b.number}, values ${(b.values ?? []).map(formatValue).join(', ')}: ${core.runCommand(b)}`);
  }
  io.out(resume);
  if (storage) io.out(`Dashboard: optuna-dashboard ${storage}`);
  return 0;
}
