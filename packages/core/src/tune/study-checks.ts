import type { Aero } from '../engine.js';
import { AeroError, ErrorCodes } from '../errors.js';
import { canonicalJson, digestOf } from '../hash.js';
import { didYouMean, nearestNames } from '../suggest.js';
import { gridSampler } from './builtin-samplers.js';
import type { Objective } from './objective.js';
import { cornerParams, trialOverrides, type SearchSpace } from './space.js';
import type { PrunerName, SamplerName, StudyIdentity, StudyRecord } from './study-record.js';
import { closeTrialProject } from './trial-project.js';

/**
 * What aero tune checks before the first trial runs: option names, the sampler against
 * the space and the objectives, and the space's corners planned through the engine.
 */

export function pick<T extends string>(value: string | undefined, known: readonly T[], fallback: T, flag: string): T {
  if (value === undefined) return fallback;
  if ((known as readonly string[]).includes(value)) return value as T;
  throw new AeroError(ErrorCodes.TUNE_OPTIONS_INVALID, `Unknown ${flag} \`${value}\` (known: ${known.join(', ')}). ${didYouMean(nearestNames(value, known))}`.trim(), {
    hint: `Pass --${flag} ${fallback}, or one of ${known.join(', ')}.`,
  });
}

/** A sampler that cannot search this space or this many objectives, refused before anything runs. */
export function checkSampler(sampler: SamplerName, pruner: PrunerName, space: SearchSpace, objectives: Objective[]): void {
  const numeric = space.dimensions.filter((d) => d.kind !== 'categorical');
  if (sampler === 'cmaes' && numeric.length === 0) {
    throw new AeroError(ErrorCodes.TUNE_SAMPLER_UNSUITABLE, `The cmaes sampler searches numbers, but every dimension here is a choice (${space.dimensions.map((d) => d.key).join(', ')}).`, {
      hint: 'Use --sampler tpe (handles choices), or add an interval(...) or range(...) dimension.',
    });
  }
  if ((sampler === 'cmaes' || sampler === 'gp') && objectives.length > 1) {
    throw new AeroError(ErrorCodes.TUNE_SAMPLER_UNSUITABLE, `The ${sampler} sampler optimises one objective; ${objectives.length} were given.`, { hint: 'Use --sampler tpe or random for several objectives.' });
  }
  if (pruner !== 'none' && objectives.length > 1) {
    throw new AeroError(ErrorCodes.TUNE_OPTIONS_INVALID, `--pruner ${pruner} works with one objective (Optuna cannot prune multi-objective trials); ${objectives.length} were given.`, { hint: 'Drop --pruner, or tune one objective.' });
  }
  if (sampler === 'grid') gridSampler(space, 0); // throws for continuous dimensions
}

/**
 * Plans the space's corners: unknown params (with suggestions) and values the actions'
 * schemas refuse surface now, and so do the launchers `aero run` checks before anything
 * runs (`--launcher`, else the config's, and every action's own): a mistyped `--launcher`
 * would otherwise fail every trial and use up the study's budget.
 */
export async function planCorners(options: { open: (overrides: string[]) => Promise<Aero>; launcher?: string | undefined }, space: SearchSpace, objectives: Objective[]): Promise<void> {
  for (const corner of cornerParams(space)) {
    const aero = await options.open(trialOverrides(space, corner));
    try {
      const plan = aero.plan();
      aero.launcher(options.launcher ?? aero.config.launcher ?? 'inline'); // LAUNCHER_NOT_FOUND, as in aero run
      for (const inst of plan.instances) if (inst.action.launcher) aero.launcher(inst.action.launcher);
      for (const objective of objectives) {
        const count = plan.instances.filter((i) => i.action.name === objective.action).length;
        if (count !== 1) {
          throw new AeroError(ErrorCodes.TUNE_OBJECTIVE_UNKNOWN, `--objective ${objective.text}: action \`${objective.action}\` has ${count} instances (partitions); a trial's objective comes from one.`, {
            hint: 'Score trials by an action that gathers the partitions (an input with .all()) and logs one metric.',
          });
        }
      }
    } finally {
      await closeTrialProject(aero);
    }
  }
}

export function defaultStudyName(objectives: Objective[], identity: StudyIdentity): string {
  const head = `${objectives[0]!.action}-${objectives[0]!.metric}`.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 80);
  return `${head || 'study'}-${digestOf(identity).slice(0, 8)}`;
}

const listed = (items: readonly string[]) => (items.length ? items.map((i) => `\`${i}\``).join(' ') : 'none');

/**
 * What differs between a study and this command, as the end of "was started with …":
 * `a different space and other fixed overrides (then \`a=1\`, now none)`.
 */
export function describeMismatch(before: StudyIdentity, after: StudyIdentity): string {
  const differs = (k: keyof StudyIdentity) => canonicalJson(before[k]) !== canonicalJson(after[k]);
  const parts: string[] = [];
  if (differs('objectives')) parts.push(before.objectives.length === 1 && after.objectives.length === 1 ? 'a different objective' : 'different objectives');
  if (differs('space')) parts.push('a different search space');
  if (differs('fixed')) parts.push(`other fixed overrides (then ${listed(before.fixed)}, now ${listed(after.fixed)})`);
  for (const k of ['sampler', 'pruner', 'seed'] as const) if (differs(k)) parts.push(`a different ${k} (then ${before[k]}, now ${after[k]})`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : (parts[0] ?? 'different settings');
}

export function identityOf(record: StudyRecord): StudyIdentity {
  const { objectives, space, fixed, sampler, pruner, seed } = record;
  return { objectives, space, fixed, sampler, pruner, seed };
}
