import { mkdir, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { CONFIG_FILE_NAMES } from '../config-file.js';
import type { Aero } from '../engine.js';
import { AeroError, ErrorCodes } from '../errors.js';
import { canonicalJson } from '../hash.js';
import { gitInfo } from '../runs.js';
import { gridSampler, randomSampler, type BuiltinSampler } from './builtin-samplers.js';
import { parseObjectives, type Direction } from './objective.js';
import { OptunaBridge } from './optuna-bridge.js';
import { bestTrials, resumeCommand, trialCounts, type TrialCounts, type TuneBest } from './results.js';
import { checkSampler, defaultStudyName, describeMismatch, identityOf, pick, planCorners } from './study-checks.js';
import { describeDimension, parseSearchSpace, trialOverrides, type ParamValue, type SearchSpace } from './space.js';
import {
  checkStudyName,
  countsTowardBudget,
  PRUNERS,
  readStudy,
  SAMPLERS,
  studyDir,
  writeStudy,
  type PrunerName,
  type SamplerName,
  type StudyIdentity,
  type StudyRecord,
  type TrialRecord,
} from './study-record.js';
import { runTrial, type TrialOutcome } from './trial-run.js';
import { StudyTracking, studyRunId } from './study-tracking.js';
import { closeTrialProject } from './trial-project.js';
import { SubmitGate } from './submit-gate.js';

/** Optuna's JournalFileStorage in the study folder: `optuna-dashboard <that file>` opens it. */
export const OPTUNA_JOURNAL = 'optuna-journal.log';

export type TuneEvent =
  | { event: 'tune.study'; study: string; dir: string; optunaStorage?: string; sampler: SamplerName; pruner: PrunerName; resumed: number; budget: number }
  | { event: 'tune.trial'; number: number; params: Record<string, ParamValue>; state: TrialRecord['state']; value?: number; values?: number[]; runId?: string; cached?: boolean; retryOf?: number; error?: { code: string; message: string } }
  | { event: 'tune.finished'; study: string; best: TuneBest | null; pareto?: TuneBest[]; trials: TrialCounts; interrupted: boolean }
  /** A tracker failed on the study's own run (RunInfo.study); the study goes on. */
  | { event: 'tune.warning'; message: string };

export interface TuneOptions {
  /**
   * Opens the project with one trial's overrides (fixed ones first); each trial gets its
   * own. Open them all from one loaded config: tune() closes what each project made for
   * itself, never the plugins listed in the config (every trial shares them; the caller
   * closes them, e.g. with the Aero it loaded the config with).
   */
  open: (overrides: string[]) => Promise<Aero>;
  /** Space and fixed overrides (`x=interval(-5, 5)`, `train.epochs=10`). */
  args: string[];
  objectives: string[];
  directions: string[];
  trials: number;
  sampler?: string | undefined;
  pruner?: string | undefined;
  seed?: number | undefined;
  /** Trials at once. */
  parallel?: number | undefined;
  /** Per trial: the launcher and concurrency of its run. */
  launcher?: string | undefined;
  concurrency?: number | undefined;
  study?: string | undefined;
  /** Python that has optuna (else $AERO_OPTUNA_PYTHON, else python3). */
  python?: string | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: ((event: TuneEvent) => void) | undefined;
}

export interface TuneSummary {
  study: string;
  record: StudyRecord;
  best: TuneBest | null;
  pareto: TuneBest[];
  counts: TrialCounts;
  interrupted: boolean;
}

/**
 * `aero tune`: a study of trials, each one pipeline run with sampled overrides. The
 * study resumes from `.aero/tune/<study>/` (and Optuna's journal file beside it), so the
 * same command twice runs no trial twice and `--trials 50` after 40 runs 10 more.
 * Everything that can be checked is checked before the first trial runs. The core
 * never prints: progress goes to `onEvent`.
 */
export async function tune(options: TuneOptions): Promise<TuneSummary> {
  if (!Number.isInteger(options.trials) || options.trials < 1) {
    throw new AeroError(ErrorCodes.TUNE_OPTIONS_INVALID, `--trials must be a whole number of at least 1, got ${options.trials}.`, { hint: 'Pass e.g. --trials 20.' });
  }
  const sampler = pick(options.sampler, SAMPLERS, 'tpe', 'sampler');
  const pruner = pick(options.pruner, PRUNERS, 'none', 'pruner');
  const seed = options.seed ?? 0;
  const space = parseSearchSpace(options.args);
  if (space.dimensions.length === 0) {
    throw new AeroError(ErrorCodes.TUNE_SPACE_INVALID, 'Nothing to search: no argument declares a dimension.', {
      hint: 'Give at least one, e.g. train.lr=tag(log, interval(1e-4, 1)) or model=choice(small, large).',
    });
  }
  const base = await options.open(space.fixed);
  try {
    return await runStudy(options, base, { sampler, pruner, seed, space });
  } finally {
    await closeTrialProject(base);
  }
}

async function runStudy(options: TuneOptions, base: Aero, chosen: { sampler: SamplerName; pruner: PrunerName; seed: number; space: SearchSpace }): Promise<TuneSummary> {
  const emit = (event: TuneEvent) => options.onEvent?.(event);
  const { sampler, pruner, seed, space } = chosen;
  const objectives = parseObjectives(options.objectives, options.directions, base.actions.map((a) => a.name));
  const aeroDir = base.dir;
  checkSampler(sampler, pruner, space, objectives);
  await planCorners(options, space, objectives);

  const identity: StudyIdentity = {
    objectives: objectives.map(({ action, metric, reducer, direction }) => ({ action, metric, reducer, direction })),
    space: space.dimensions.map(describeDimension),
    fixed: space.fixed,
    sampler,
    pruner,
    seed,
  };
  const name = options.study ?? defaultStudyName(objectives, identity);
  checkStudyName(name);
  const useOptuna = sampler === 'tpe' || sampler === 'cmaes' || sampler === 'gp' || pruner !== 'none';
  const now = new Date().toISOString();
  let record = await readStudy(aeroDir, name);
  if (record && canonicalJson(identityOf(record)) !== canonicalJson(identity)) {
    throw new AeroError(ErrorCodes.TUNE_STUDY_MISMATCH, `Study \`${name}\` was started with ${describeMismatch(identityOf(record), identity)}; a study keeps the objectives, space, fixed overrides, sampler, pruner and seed it was started with.`, {
      hint: `Resume it as it was started (aero tune show --study ${name} prints this too): ${resumeCommand(record)}; or start another study with --study <new name>.`,
    });
  }
  record ??= { schema: 1, name, createdAt: now, updatedAt: now, ...identity, ...(useOptuna ? { optunaStorage: OPTUNA_JOURNAL } : {}), runId: `tune-${name}`, trials: [] };
  record.runId = studyRunId(record);
  // What `aero tune show` prints as the command that resumes the study.
  record.args = [...space.dimensions.map((d) => d.text), ...space.fixed];
  record.budget = options.trials;
  const config = base.configFile ? relative(base.cwd, base.configFile) : undefined;
  if (config && !(dirname(config) === '.' && CONFIG_FILE_NAMES.includes(basename(config)))) record.config = config;
  else delete record.config;
  if (options.python !== undefined && useOptuna) record.python = options.python;
  const dir = studyDir(aeroDir, name);
  // A study that has no folder yet gets one only when it starts: a refusal before then
  // (no Python, no optuna) leaves nothing behind.
  const created = await stat(dir).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
  );

  let bridge: OptunaBridge | undefined;
  let tracking: StudyTracking | undefined;
  let finished = false;
  const state = { record, saving: Promise.resolve() };
  // Writes of the study record are chained: trials finish in any order, the file is always whole.
  const save = () => (state.saving = state.saving.then(() => writeStudy(aeroDir, state.record)));
  try {
    try {
      // Python and optuna are checked before the study's folder is made.
      if (useOptuna) bridge = await OptunaBridge.start({ python: options.python });
      await mkdir(dir, { recursive: true });
      if (bridge) {
        const opened = await bridge.open({
          storage: join(dir, OPTUNA_JOURNAL),
          study: name,
          directions: objectives.map((o) => o.direction),
          // A resumed sampler must not replay the first run's draws: seed it past them.
          sampler: { name: sampler, seed: seed + record.trials.length },
          pruner: { name: pruner },
        });
        // Trials Optuna still thinks are running (a killed aero tune) are failed there; our record marks them interrupted below.
        for (const t of opened.trials) if (t.state === 'running') await bridge.tell(t.number, 'fail');
      }
    } catch (error) {
      // Refused before the study started (a sampler's missing package): remove the folder this call made.
      if (created) {
        await bridge?.close();
        bridge = undefined;
        await rm(dir, { recursive: true, force: true });
        await rmdir(dirname(dir)).catch(() => undefined); // .aero/tune, when this was its only study
      }
      throw error;
    }
    // A trial recorded as running belongs to an aero tune that was killed: it was interrupted.
    for (const t of record.trials) if (t.state === 'running') Object.assign(t, { state: 'interrupted', finishedAt: now });
    await save();
    const counted = () => state.record.trials.filter(countsTowardBudget).length;
    const builtin: BuiltinSampler | undefined = sampler === 'grid' ? gridSampler(space, seed) : sampler === 'random' ? randomSampler(space, seed) : undefined;
    // Interrupted trials are retried first, with the same params (the cache serves what had finished).
    const retried = new Set(record.trials.flatMap((t) => (t.retryOf === undefined ? [] : [t.retryOf])));
    const retries = record.trials.filter((t) => t.state === 'interrupted' && !retried.has(t.number));
    let draws = record.trials.filter((t) => t.retryOf === undefined).length;
    let toAsk = Math.max(0, options.trials - counted());
    emit({ event: 'tune.study', study: name, dir, ...(useOptuna ? { optunaStorage: join(dir, OPTUNA_JOURNAL) } : {}), sampler, pruner, resumed: counted(), budget: options.trials });

    // Git is read once per study (spawning it cost ~17 ms of CPU per trial): every trial's run
    // records the state the study started from. Code edits still change cache keys.
    const git = await gitInfo(base.cwd);
    tracking = new StudyTracking(base, state.record, (message) => emit({ event: 'tune.warning', message }));
    tracking.skipFinished();
    await tracking.start(space, git);
    const distributions = Object.fromEntries(space.dimensions.map((d) => [d.key, describeDimension(d)]));
    const label = (params: Record<string, ParamValue>) => Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    let nextLocalNumber = Math.max(-1, ...record.trials.map((t) => t.number)) + 1;

    const ask = async (): Promise<{ number: number; params: Record<string, ParamValue>; retryOf?: number } | undefined> => {
      const retry = retries.shift();
      let fixed: Record<string, ParamValue> | undefined = retry?.params;
      if (!fixed && builtin) {
        if (draws >= builtin.size) return undefined; // the grid is exhausted
        fixed = builtin.params(draws++);
      }
      if (bridge) {
        const asked = await bridge.ask(distributions, fixed);
        return { number: asked.number, params: asked.params as Record<string, ParamValue>, ...(retry ? { retryOf: retry.number } : {}) };
      }
      return { number: nextLocalNumber++, params: fixed!, ...(retry ? { retryOf: retry.number } : {}) };
    };

    // With -j N, trials started together reach each launcher together (one Slurm array).
    const gate = (options.parallel ?? 1) > 1 ? new SubmitGate() : undefined;
    const worker = async (): Promise<void> => {
      while (toAsk > 0 && !options.signal?.aborted) {
        toAsk--;
        const ticket = gate?.enter();
        try {
          if (!(await runOne(ticket))) return;
        } finally {
          gate?.leave(ticket);
        }
      }
    };
    /** Asks for one trial and runs it; false when there is nothing left to ask (the grid is exhausted). */
    const runOne = async (ticket: object | undefined): Promise<boolean> => {
      const asked = await ask();
      if (!asked) return false;
      const overrides = trialOverrides(space, asked.params);
      const trial: TrialRecord = { number: asked.number, params: asked.params, overrides, state: 'running', startedAt: new Date().toISOString(), ...(asked.retryOf !== undefined ? { retryOf: asked.retryOf } : {}) };
      state.record.trials.push(trial);
      await save();
      let outcome: TrialOutcome;
      const aero = await options.open(overrides);
      const detach = ticket ? gate?.attach(aero, ticket) : undefined;
      try {
        outcome = await runTrial(aero, {
          number: trial.number,
          label: label(trial.params),
          objectives,
          signal: options.signal,
          onIntermediate: bridge && pruner !== 'none' ? async (value, step) => (await bridge!.report(trial.number, value, step)).prune : undefined,
          launcher: options.launcher,
          concurrency: options.concurrency,
          name: `${name}-trial-${trial.number}`,
          git,
          sweepId: studyRunId(state.record),
          tags: { 'aero.tune.study': name, 'aero.tune.trial': String(trial.number) },
        });
      } catch (error) {
        const e = error as { code?: string; message?: string };
        outcome = { state: 'failed', error: { code: e.code ?? ErrorCodes.INTERNAL_ERROR, message: `Trial ${trial.number} (${label(trial.params)}): ${e.message ?? String(error)}` } };
      } finally {
        detach?.();
        gate?.leave(ticket);
        await closeTrialProject(aero);
      }
      Object.assign(trial, outcome, { finishedAt: new Date().toISOString() });
      if (bridge) await bridge.tell(trial.number, outcome.state === 'complete' ? 'complete' : outcome.state === 'pruned' ? 'pruned' : 'fail', outcome.values);
      await save();
      await tracking?.trialFinished(trial);
      emit({
        event: 'tune.trial',
        number: trial.number,
        params: trial.params,
        state: trial.state,
        ...(outcome.values ? (outcome.values.length === 1 ? { value: outcome.values[0]! } : { values: outcome.values }) : {}),
        ...(outcome.runId ? { runId: outcome.runId } : {}),
        ...(outcome.cached ? { cached: true } : {}),
        ...(trial.retryOf !== undefined ? { retryOf: trial.retryOf } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
      });
      // A trial that failed for a reason no other trial escapes (Optuna gone) ends the study.
      if (outcome.error?.code === ErrorCodes.TUNE_OPTUNA_FAILED) throw new AeroError(ErrorCodes.TUNE_OPTUNA_FAILED, outcome.error.message);
      return true;
    };
    await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 1) }, () => worker()));
    await state.saving;
    finished = true;
  } finally {
    // The study's run ends with the command: KILLED on Ctrl-C, FAILED when an error ends the study.
    await tracking?.end(options.signal?.aborted ? 'interrupted' : finished ? 'succeeded' : 'failed');
    await bridge?.close();
  }
  const best = bestTrials(state.record);
  const counts = trialCounts(state.record, state.record.trials.filter((t) => t.startedAt >= now));
  const interrupted = Boolean(options.signal?.aborted);
  const single = objectives.length === 1;
  emit({ event: 'tune.finished', study: name, best: single ? (best[0] ?? null) : null, ...(single ? {} : { pareto: best }), trials: counts, interrupted });
  return { study: name, record: state.record, best: single ? (best[0] ?? null) : null, pareto: best, counts, interrupted };
}

export type { Direction };
