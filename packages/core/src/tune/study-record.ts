import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AeroError, ErrorCodes } from '../errors.js';
import { writeFileAtomic } from '../util/fs.js';
import type { Direction, Reducer } from './objective.js';
import type { ParamValue } from './space.js';

export type SamplerName = 'grid' | 'random' | 'tpe' | 'cmaes' | 'gp';
export type PrunerName = 'none' | 'median' | 'asha';
export const SAMPLERS: readonly SamplerName[] = ['grid', 'random', 'tpe', 'cmaes', 'gp'];
export const PRUNERS: readonly PrunerName[] = ['none', 'median', 'asha'];

/**
 * What a trial became. `interrupted` (Ctrl-C, a killed process) is told to Optuna as
 * FAIL and does not count toward the budget: the next `aero tune` retries its params
 * as a new trial, served by the cache where the action had finished.
 */
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed' | 'interrupted';

export interface TrialRecord {
  number: number;
  params: Record<string, ParamValue>;
  /** The overrides the trial ran with (fixed ones first): `aero run <overrides>` reruns it. */
  overrides: string[];
  state: TrialState;
  /** One value per objective (complete trials). */
  values?: number[];
  runId?: string;
  /** Cache key of the objective's instance: the same key means the same result. */
  cacheKey?: string;
  /** Every action of the trial's run came from the cache: nothing ran. */
  cached?: boolean;
  /** Retry of an interrupted trial (its number). */
  retryOf?: number;
  error?: { code: string; message: string };
  startedAt: string;
  finishedAt?: string;
}

/** What makes a study the same study: rerunning with all of these equal resumes it. */
export interface StudyIdentity {
  objectives: Array<{ action: string; metric: string; reducer: Reducer; direction: Direction }>;
  space: Array<Record<string, unknown>>;
  fixed: string[];
  sampler: SamplerName;
  pruner: PrunerName;
  seed: number;
}

export interface StudyRecord extends StudyIdentity {
  schema: 1;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** File name of the Optuna storage (a JournalFileStorage file) in the study folder, when the study uses Optuna. */
  optunaStorage?: string;
  /**
   * The study's own run in the trackers (the parent of its trials, e.g. in MLflow) and the
   * `sweepId` of every trial. Kept here so a resumed study reuses it; records written
   * before it existed get `tune-<name>`, the sweep id their trials already carry.
   */
  runId?: string;
  /**
   * How the study was last run, for the command that resumes it (`aero tune show`, the
   * TUNE_STUDY_MISMATCH hint): the space and fixed arguments as written, the `--trials`
   * budget, the config file when it is not the one aero finds by itself, and `--python`
   * when it was given.
   */
  args?: string[];
  budget?: number;
  config?: string;
  python?: string;
  trials: TrialRecord[];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Study names are one folder name under .aero/tune/, so no name leaves the store. */
export function checkStudyName(name: string): void {
  if (!NAME_RE.test(name) || name.includes('..')) {
    throw new AeroError(ErrorCodes.TUNE_OPTIONS_INVALID, `--study \`${name}\` is not a study name: use letters, digits, \`_\`, \`-\` and \`.\` (one folder name, at most 128 characters).`, {
      hint: 'Pass e.g. --study train-lr.',
    });
  }
}

export const studyDir = (aeroDir: string, name: string) => join(aeroDir, 'tune', name);
const recordPath = (aeroDir: string, name: string) => join(studyDir(aeroDir, name), 'study.json');

export async function readStudy(aeroDir: string, name: string): Promise<StudyRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordPath(aeroDir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as StudyRecord;
}

export async function writeStudy(aeroDir: string, record: StudyRecord): Promise<void> {
  record.updatedAt = new Date().toISOString();
  await writeFileAtomic(recordPath(aeroDir, record.name), JSON.stringify(record, null, 2) + '\n');
}

/** Names of the studies in the store, most recently updated first. */
export async function listStudies(aeroDir: string): Promise<string[]> {
  const root = join(aeroDir, 'tune');
  const names = await readdir(root).catch(() => [] as string[]);
  const dated = await Promise.all(
    names.map(async (name) => {
      const s = await stat(recordPath(aeroDir, name)).catch(() => undefined);
      return s ? { name, mtime: s.mtimeMs } : undefined;
    }),
  );
  return dated.filter((d): d is { name: string; mtime: number } => d !== undefined).sort((a, b) => b.mtime - a.mtime).map((d) => d.name);
}

/** The trials that count toward `--trials`: every finished one but the interrupted. */
export function countsTowardBudget(trial: TrialRecord): boolean {
  return trial.state === 'complete' || trial.state === 'pruned' || trial.state === 'failed';
}
