import { AeroAggregateError, AeroError, ErrorCodes } from '../errors.js';
import { parseOverride } from '../overrides/parse.js';
import type { Override, SweepChoice } from '../overrides/types.js';
import { formatValue, typePrimitive } from '../overrides/values.js';
import { didYouMean, nearestNames } from '../suggest.js';

/**
 * One searched param. `key` is the override key (`train.lr`), `prefix` the override's
 * `+`/`++` so a trial's override adds a key the tree lacks, as the grammar requires.
 * Bounds are inclusive (Optuna's distributions); `step` makes a float or int grid.
 */
export type Dimension =
  | { key: string; prefix: string; kind: 'float'; low: number; high: number; log: boolean; step?: number; text: string }
  | { key: string; prefix: string; kind: 'int'; low: number; high: number; log: boolean; step: number; text: string }
  | { key: string; prefix: string; kind: 'categorical'; choices: SweepChoice[]; text: string };

export type ParamValue = string | number | boolean | null;

/** A search space: the searched dimensions and the overrides every trial gets unchanged. */
export interface SearchSpace {
  dimensions: Dimension[];
  fixed: string[];
}

const SPACE_HINT = 'Search a param with key=interval(low, high), key=tag(log, interval(low, high)), key=tag(int, interval(low, high)), key=range(start, stop[, step]) or key=choice(a, b, ...).';
const TAGS = ['log', 'int'];

/** `problem` is one sentence without its full stop, or ends with its own (`... Did you mean \`log\`?`). */
function spaceError(text: string, problem: string): AeroError {
  const end = /[.?!]$/.test(problem) ? '' : '.';
  return new AeroError(ErrorCodes.TUNE_SPACE_INVALID, `Search space \`${text}\`: ${problem}${end}`, { hint: SPACE_HINT, details: { override: text } });
}

/**
 * Splits `aero tune` arguments into the search space and fixed overrides, with the Hydra
 * Optuna sweeper's grammar on top of aero's override parser: `interval(a, b)` and
 * `tag(log|int, ...)` are read here (the plain parser refuses them, since a grid sweep
 * cannot enumerate an interval); `choice(...)`, comma lists and `range(...)` come from
 * the parser itself, so they mean in `aero tune` what they mean in `aero run -m`
 * (`range` stops before `stop`, as in Python). Every problem is reported at once.
 */
export function parseSearchSpace(args: readonly string[]): SearchSpace {
  const errors: AeroError[] = [];
  const dimensions: Dimension[] = [];
  const fixed: string[] = [];
  const seen = new Set<string>();
  /** Key → the fixed override that sets (or deletes) it. */
  const fixedKeys = new Map<string, string>();
  for (const text of args) {
    try {
      const dim = parseDimension(text);
      if (!dim) {
        const o = parseOverride(text); // a fixed override must still be a valid one
        fixed.push(text);
        if (!fixedKeys.has(o.key)) fixedKeys.set(o.key, text);
        continue;
      }
      if (seen.has(dim.key)) throw spaceError(text, `\`${dim.key}\` is searched twice; give one dimension per key`);
      seen.add(dim.key);
      dimensions.push(dim);
    } catch (error) {
      if (error instanceof AeroError) errors.push(error);
      else throw error;
    }
  }
  // A key both searched and fixed would get two overrides per trial (the later one wins, silently).
  for (const dim of dimensions) {
    const other = fixedKeys.get(dim.key);
    if (other !== undefined) errors.push(spaceError(dim.text, `\`${dim.key}\` is searched and also fixed by \`${other}\`; give a key one dimension or one fixed value, not both`));
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new AeroAggregateError(ErrorCodes.TUNE_SPACE_INVALID, `${errors.length} search dimensions are invalid; nothing was run:`, errors);
  return { dimensions, fixed };
}

/** The dimension an argument declares, or undefined for a fixed override (`train.epochs=10`). */
export function parseDimension(text: string): Dimension | undefined {
  const eq = text.indexOf('=');
  if (eq < 0) return undefined;
  const valueText = text.slice(eq + 1).trim();
  const head = text.slice(0, eq);
  const prefix = head.startsWith('++') ? '++' : head.startsWith('+') ? '+' : '';
  if (/^(interval|tag)\s*\(/.test(valueText)) {
    // The key goes through the real parser, with a placeholder value.
    const key = parseOverride(`${head}=0`);
    if (key.kind === 'delete') throw spaceError(text, 'a deleted key (~key) cannot be searched');
    return fromExpression(text, key.key, prefix, valueText, []);
  }
  const call = /^([A-Za-z_]\w*)\s*\(/.exec(valueText);
  if (call && !SPACE_FUNCTIONS.includes(call[1]!) && !VALUE_FUNCTIONS.includes(call[1]!)) {
    // The override parser would list only its own functions, not tune's interval and tag.
    const near = nearestNames(call[1]!, [...SPACE_FUNCTIONS, ...VALUE_FUNCTIONS]);
    throw spaceError(text, `unknown function \`${call[1]}(...)\` (a search takes ${SPACE_FUNCTIONS.join(', ')}; a fixed value may use ${VALUE_FUNCTIONS.join(', ')}). ${didYouMean(near)}`.trim());
  }
  const o = parseOverride(text);
  if (!o.sweep) return undefined;
  if (o.kind === 'delete') throw spaceError(text, 'a deleted key (~key) cannot be searched');
  return fromSweep(text, o, prefix, []);
}

/** The functions of a search dimension, and those of the override grammar for a value. */
const SPACE_FUNCTIONS = ['interval', 'tag', 'range', 'choice'];
const VALUE_FUNCTIONS = ['sort', 'int', 'float', 'str', 'bool'];

function fromExpression(text: string, key: string, prefix: string, expr: string, tags: string[]): Dimension {
  const call = splitCall(text, expr);
  if (call.name === 'tag') {
    if (call.args.length < 2) throw spaceError(text, 'tag(...) needs one or more tags and then a dimension: tag(log, interval(1e-5, 1e-1))');
    const newTags = call.args.slice(0, -1).map((t) => t.trim());
    for (const tag of newTags) {
      if (!TAGS.includes(tag)) throw spaceError(text, `unknown tag \`${tag}\` (known: ${TAGS.join(', ')}). ${didYouMean(nearestNames(tag, TAGS))}`.trim());
    }
    const inner = call.args[call.args.length - 1]!.trim();
    if (/^(interval|tag)\s*\(/.test(inner)) return fromExpression(text, key, prefix, inner, [...tags, ...newTags]);
    const o = parseOverride(`${key}=${inner}`);
    if (!o.sweep) throw spaceError(text, `tag(...) must wrap a dimension (interval, range or choice), got \`${inner}\``);
    return fromSweep(text, o, prefix, [...tags, ...newTags]);
  }
  // interval(low, high)
  if (call.args.length !== 2) throw spaceError(text, `interval(...) takes two bounds, interval(low, high); got ${call.args.length}`);
  const [low, high] = call.args.map((a) => typePrimitive(a.trim()));
  if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw spaceError(text, `interval(...) bounds must be finite numbers, got ${call.args.map((a) => a.trim()).join(' and ')}`);
  }
  const log = tags.includes('log');
  const int = tags.includes('int');
  checkBounds(text, low, high, log, 'interval');
  if (int) {
    if (!Number.isInteger(low) || !Number.isInteger(high)) throw spaceError(text, `tag(int, ...) needs whole-number bounds, got ${low} and ${high}`);
    return { key, prefix, kind: 'int', low, high, log, step: 1, text };
  }
  return { key, prefix, kind: 'float', low, high, log, text };
}

function checkBounds(text: string, low: number, high: number, log: boolean, what: string): void {
  if (low === high) throw spaceError(text, `${what} is empty: both bounds are ${low}`);
  if (low > high) throw spaceError(text, `${what} is reversed: low ${low} is above high ${high} (write ${what}(${high}, ${low}))`);
  if (log && low <= 0) throw spaceError(text, `a log scale needs bounds above 0, got low ${low}`);
}

function fromSweep(text: string, o: Override, prefix: string, tags: string[]): Dimension {
  const sweep = o.sweep!;
  const log = tags.includes('log');
  if (sweep.kind === 'choice') {
    if (log) throw spaceError(text, 'tag(log, ...) applies to interval or range, not to a choice');
    const bad = sweep.choices.find((c) => c.value !== null && typeof c.value === 'object');
    if (bad) throw spaceError(text, `a choice can hold numbers, strings, booleans and null, not ${bad.text}`);
    if (sweep.choices.length < 2) throw spaceError(text, 'a choice needs at least two values to search');
    return { key: o.key, prefix, kind: 'categorical', choices: sweep.choices, text };
  }
  const values = sweep.choices.map((c) => c.value as number);
  const low = values[0]!;
  const high = values[values.length - 1]!;
  if (values.length < 2) throw spaceError(text, `range(...) holds only ${low}; a search needs two values or more`);
  if (sweep.step < 0) throw spaceError(text, `range(...) with a negative step searches the same values as range(${high}, ${sweep.start - sweep.step}, ${-sweep.step}); write it that way`);
  checkBounds(text, low, high, log, 'range');
  const integral = values.every((v) => Number.isInteger(v)) && Number.isInteger(sweep.step);
  if (log && sweep.step !== 1) throw spaceError(text, 'a log scale cannot have a step (Optuna: log and step exclude each other); use range(start, stop) or tag(log, interval(...))');
  if (integral) return { key: o.key, prefix, kind: 'int', low, high, log, step: sweep.step, text };
  return { key: o.key, prefix, kind: 'float', low, high, log, ...(log ? {} : { step: sweep.step }), text };
}

/** `interval(1, 2)` → { name: 'interval', args: ['1', ' 2'] }: top-level commas, parentheses and quotes respected. */
function splitCall(text: string, expr: string): { name: string; args: string[] } {
  const open = expr.indexOf('(');
  const name = expr.slice(0, open).trim();
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = open + 1;
  for (let i = open; i < expr.length; i++) {
    const ch = expr[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        if (expr.slice(i + 1).trim()) throw spaceError(text, `unexpected \`${expr.slice(i + 1).trim()}\` after ${name}(...)`);
        args.push(expr.slice(start, i));
        return { name, args };
      }
    } else if (ch === ',' && depth === 1) {
      args.push(expr.slice(start, i));
      start = i + 1;
    }
  }
  throw spaceError(text, `\`${name}(\` is not closed`);
}

/** The override that sets a dimension to one value in a trial (`train.lr=0.001`). */
export function trialOverride(dim: Dimension, value: ParamValue): string {
  if (dim.kind === 'categorical') {
    const choice = dim.choices.find((c) => c.value === value);
    if (choice) return `${dim.prefix}${dim.key}=${choice.text}`;
  }
  return `${dim.prefix}${dim.key}=${formatValue(value)}`;
}

/** Every override of one trial: the fixed ones, then one per dimension. */
export function trialOverrides(space: SearchSpace, params: Record<string, ParamValue>): string[] {
  return [...space.fixed, ...space.dimensions.map((d) => trialOverride(d, params[d.key] ?? null))];
}

/**
 * Points planned before a trial runs: every dimension at its low, at its high, and inside
 * (a float dimension at a non-round point, so an interval over an int param is refused
 * now, not by every trial).
 */
export function cornerParams(space: SearchSpace): Array<Record<string, ParamValue>> {
  const at = (where: 'low' | 'high' | 'inside') =>
    Object.fromEntries(
      space.dimensions.map((d): [string, ParamValue] => {
        if (d.kind === 'categorical') return [d.key, d.choices[where === 'low' ? 0 : where === 'high' ? d.choices.length - 1 : Math.floor(d.choices.length / 2)]!.value as ParamValue];
        if (where !== 'inside') return [d.key, d[where]];
        if (d.kind === 'int' || d.step !== undefined) return [d.key, d.low + Math.floor((d.high - d.low) / 2 / d.step!) * d.step!];
        return [d.key, d.log ? Math.exp(Math.log(d.low) + (Math.log(d.high) - Math.log(d.low)) / Math.PI) : d.low + (d.high - d.low) / Math.PI];
      }),
    );
  return [at('low'), at('high'), at('inside')];
}

/** The dimension in a form the Optuna bridge and the study record keep (JSON). */
export function describeDimension(dim: Dimension): Record<string, unknown> {
  if (dim.kind === 'categorical') return { key: dim.key, kind: dim.kind, choices: dim.choices.map((c) => c.value) };
  return { key: dim.key, kind: dim.kind, low: dim.low, high: dim.high, log: dim.log, ...(dim.step !== undefined ? { step: dim.step } : {}) };
}
