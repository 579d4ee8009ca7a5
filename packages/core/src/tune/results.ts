import { AeroError, ErrorCodes } from '../errors.js';
import { didYouMean, nearestNames } from '../suggest.js';
import { formatValue } from '../overrides/values.js';
import type { ParamValue } from './space.js';
import { countsTowardBudget, listStudies, readStudy, type StudyRecord, type TrialRecord } from './study-record.js';

export interface TuneBest {
  number: number;
  value?: number;
  values?: number[];
  params: Record<string, ParamValue>;
  overrides: string[];
  runId?: string;
}

/**
 * `total` counts the study's trials that count toward --trials; `ran` those of this
 * invocation whose run ran an action (any, not only the objective's); `cached` those that
 * cost nothing now (done by an earlier invocation, or served wholly by the cache); `pruned`
 * and `failed` are the study's.
 */
export interface TrialCounts {
  total: number;
  ran: number;
  cached: number;
  pruned: number;
  failed: number;
}

export function trialCounts(record: StudyRecord, thisInvocation: readonly TrialRecord[]): TrialCounts {
  const counted = record.trials.filter(countsTowardBudget);
  const now = new Set(thisInvocation);
  const ranNow = counted.filter((t) => now.has(t) && !t.cached).length;
  return {
    total: counted.length,
    ran: ranNow,
    cached: counted.length - ranNow,
    pruned: counted.filter((t) => t.state === 'pruned').length,
    failed: counted.filter((t) => t.state === 'failed').length,
  };
}

const sign = (direction: string) => (direction === 'maximize' ? -1 : 1);

/** Complete trials best first (by the first objective), then the others by number. */
export function sortedTrials(record: StudyRecord): TrialRecord[] {
  const s = sign(record.objectives[0]!.direction);
  const complete = record.trials.filter((t) => t.state === 'complete' && t.values).sort((a, b) => s * (a.values![0]! - b.values![0]!) || a.number - b.number);
  const rest = record.trials.filter((t) => !(t.state === 'complete' && t.values)).sort((a, b) => a.number - b.number);
  return [...complete, ...rest];
}

const toBest = (t: TrialRecord): TuneBest => ({
  number: t.number,
  ...(t.values!.length === 1 ? { value: t.values![0]! } : { values: t.values! }),
  params: t.params,
  overrides: t.overrides,
  ...(t.runId ? { runId: t.runId } : {}),
});

/** One objective: the best trial (first when tied). Several: the Pareto front, by number. */
export function bestTrials(record: StudyRecord): TuneBest[] {
  const complete = record.trials.filter((t) => t.state === 'complete' && t.values);
  if (complete.length === 0) return [];
  if (record.objectives.length === 1) return [toBest(sortedTrials(record)[0]!)];
  const signs = record.objectives.map((o) => sign(o.direction));
  const dominates = (a: TrialRecord, b: TrialRecord) =>
    signs.every((s, i) => s * a.values![i]! <= s * b.values![i]!) && signs.some((s, i) => s * a.values![i]! < s * b.values![i]!);
  return complete.filter((t) => !complete.some((o) => o !== t && dominates(o, t))).sort((a, b) => a.number - b.number).map(toBest);
}

/** POSIX-shell quoting for a command the user can paste. */
const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** The command that reruns a trial's config: `aero run train.lr=0.01` (a cache hit when nothing changed). */
export function runCommand(trial: { overrides: string[] }): string {
  return ['aero', 'run', ...trial.overrides].map(quote).join(' ');
}

/** A dimension as a search argument, for records written before they kept `args`. */
function dimensionArg(d: Record<string, unknown>): string {
  const key = String(d.key);
  if (d.kind === 'categorical') return `${key}=choice(${(d.choices as ParamValue[]).map((c) => formatValue(c)).join(', ')})`;
  const [low, high, step] = [d.low as number, d.high as number, d.step as number | undefined];
  if (step !== undefined && !(d.kind === 'int' && step === 1)) return `${key}=range(${low}, ${Number.parseFloat((high + step).toPrecision(15))}, ${step})`;
  const inner = d.kind === 'int' ? `tag(int, interval(${low}, ${high}))` : `interval(${low}, ${high})`;
  return `${key}=${d.log ? `tag(log, ${inner})` : inner}`;
}

/**
 * The `aero tune` command that resumes a study: its space and fixed arguments, objectives,
 * directions, sampler, pruner, seed and name (what makes it the same study), and the last
 * `--trials` budget (raise it to run more trials).
 */
export function resumeCommand(record: StudyRecord): string {
  const args = record.args ?? [...record.space.map(dimensionArg), ...record.fixed];
  const budget = Math.max(record.budget ?? 0, record.trials.filter(countsTowardBudget).length, 1);
  return [
    'aero',
    'tune',
    ...(record.config ? ['--config', record.config] : []),
    ...args,
    ...record.objectives.flatMap((o) => ['--objective', `${o.action}.${o.metric}${o.reducer !== 'last' ? `:${o.reducer}` : ''}`]),
    ...record.objectives.flatMap((o) => ['--direction', o.direction]),
    '--trials',
    String(budget),
    '--sampler',
    record.sampler,
    ...(record.pruner !== 'none' ? ['--pruner', record.pruner] : []),
    '--seed',
    String(record.seed),
    '--study',
    record.name,
    ...(record.python ? ['--python', record.python] : []),
  ]
    .map(quote)
    .join(' ');
}

/** A study by name, or the most recently updated one. */
export async function loadStudy(aeroDir: string, name?: string): Promise<StudyRecord> {
  const names = await listStudies(aeroDir);
  const wanted = name ?? names[0];
  const record = wanted ? await readStudy(aeroDir, wanted) : undefined;
  if (!record) {
    throw new AeroError(ErrorCodes.TUNE_STUDY_NOT_FOUND, name ? `No study named \`${name}\`${names.length ? ` (studies: ${names.join(', ')})` : ''}. ${didYouMean(nearestNames(name, names))}`.trim() : 'There is no study yet in this project.', {
      hint: names.length ? `Pass --study ${names[0]}.` : 'Start one with aero tune <space> --objective <action>.<metric> --trials N.',
    });
  }
  return record;
}
