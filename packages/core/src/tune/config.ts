import { z } from 'zod';
import { AeroError, ErrorCodes } from '../errors.js';
import { PRUNERS, SAMPLERS, type PrunerName, type SamplerName } from './study-record.js';
import type { Direction } from './objective.js';

/**
 * The `tune` block of aero.config.ts (typed) or of a YAML config: the same settings as
 * the `aero tune` flags. `space` maps a param to its dimension in the override grammar.
 *
 *   tune: { space: { 'train.lr': 'tag(log, interval(1e-4, 1))' }, objective: 'evaluate.accuracy', direction: 'maximize', trials: 20 }
 */
export interface TuneConfig {
  space?: Record<string, string>;
  /** Overrides every trial gets unchanged (`train.epochs=50`). */
  fixed?: string[];
  objective?: string | string[];
  direction?: Direction | Direction[];
  trials?: number;
  sampler?: SamplerName;
  seed?: number;
  pruner?: PrunerName;
  study?: string;
  /** Trials at once (`-j`). */
  parallel?: number;
}

const one = <T extends z.ZodTypeAny>(t: T) => z.union([t, z.array(t).min(1)]);
const TuneConfigSchema = z
  .object({
    space: z.record(z.string(), z.string()).optional(),
    fixed: z.array(z.string()).optional(),
    objective: one(z.string()).optional(),
    direction: one(z.enum(['minimize', 'maximize'])).optional(),
    trials: z.number().int().min(1).optional(),
    sampler: z.enum(SAMPLERS as [SamplerName, ...SamplerName[]]).optional(),
    seed: z.number().int().optional(),
    pruner: z.enum(PRUNERS as [PrunerName, ...PrunerName[]]).optional(),
    study: z.string().optional(),
    parallel: z.number().int().min(1).optional(),
  })
  .strict();

/** Checks a `tune` block; `source` names where it came from (aero.config.ts, conf/config.yaml). */
export function parseTuneConfig(value: unknown, source: string): TuneConfig {
  const result = TuneConfigSchema.safeParse(value ?? {});
  if (result.success) return result.data as TuneConfig;
  const lines = result.error.issues.map((i) => {
    const path = ['tune', ...i.path.map(String)].join('.');
    const keys = (i as { keys?: string[] }).keys;
    return keys ? `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `\`tune.${[...i.path.map(String), k].join('.')}\``).join(', ')}` : `\`${path}\`: ${i.message}`;
  });
  throw new AeroError(ErrorCodes.CONFIG_INVALID, `${source}: the tune block is invalid:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
    hint: 'tune takes space, fixed, objective, direction, trials, sampler, seed, pruner, study and parallel (docs/guides/tuning.md).',
  });
}

/** aero.config.ts's block, then the YAML config's over it (a YAML dimension replaces the same key's). */
export function mergeTuneConfigs(base: TuneConfig, over: TuneConfig): TuneConfig {
  const merged: TuneConfig = { ...base, ...over };
  if (base.space || over.space) merged.space = { ...base.space, ...over.space };
  return merged;
}

/** The key an override sets, without `+`/`++`/`~` (`+train.lr=1` → `train.lr`). */
function overrideKey(text: string): string {
  const eq = text.indexOf('=');
  return (eq < 0 ? text : text.slice(0, eq)).replace(/^(\+\+|\+|~)/, '').replace(/@.*$/, '');
}

/**
 * Space and fixed overrides from the config, then the command line's: a key given on
 * the command line replaces the config's entry for it (a dimension or a fixed value).
 */
export function mergeSpaceArgs(config: TuneConfig, cli: readonly string[]): string[] {
  const cliKeys = new Set(cli.map(overrideKey));
  const fromConfig = [...Object.entries(config.space ?? {}).map(([key, expr]) => `${key}=${expr}`), ...(config.fixed ?? [])];
  return [...fromConfig.filter((a) => !cliKeys.has(overrideKey(a))), ...cli];
}

export const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
