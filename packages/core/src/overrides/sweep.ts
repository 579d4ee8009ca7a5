import { AeroAggregateError, AeroError, ErrorCodes } from '../errors.js';
import { parseOverride } from './parse.js';
import type { Override } from './types.js';

/** The override text that selects one value: prefix + key (+ @package) + `=` + value text. */
function single(o: Override, valueText: string): string {
  const prefix = o.kind === 'force' ? '++' : o.kind === 'add' ? '+' : '';
  const pkg = o.package === undefined ? '' : `@${o.package}`;
  return `${prefix}${o.key}${pkg}=${valueText}`;
}

/**
 * Expands sweep overrides into one override list per run, like Hydra's BasicSweeper
 * ("Extended Override syntax" → "Sweeps"): the cartesian product of every comma list,
 * `choice(...)` and `range(start, stop[, step])`, taken in the order the overrides are
 * given (the first override varies slowest, as `itertools.product`). Overrides without
 * a sweep are passed through unchanged; quoted commas (`msg='a,b'`) stay one value.
 *
 * `expandSweep(['lr=1e-3,1e-2', 'model=small,large'])` →
 * `[['lr=1e-3','model=small'], ['lr=1e-3','model=large'], ['lr=1e-2','model=small'], ['lr=1e-2','model=large']]`
 */
export function expandSweep(overrides: readonly string[]): string[][] {
  const errors: AeroError[] = [];
  const axes: string[][] = [];
  for (const text of overrides) {
    try {
      const o = parseOverride(text);
      axes.push(o.sweep ? o.sweep.choices.map((c) => single(o, c.text)) : [text]);
    } catch (error) {
      if (error instanceof AeroError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new AeroAggregateError(ErrorCodes.OVERRIDE_INVALID, `${errors.length} overrides are invalid:`, errors);
  let runs: string[][] = [[]];
  for (const axis of axes) {
    const next: string[][] = [];
    for (const run of runs) for (const choice of axis) next.push([...run, choice]);
    runs = next;
  }
  return runs;
}
