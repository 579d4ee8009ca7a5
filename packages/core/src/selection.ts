import type { Action } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';
import { keepInstances } from './keep-instances.js';
import { aggregate } from './plan-issues.js';
import type { Plan } from './plan-types.js';
import { didYouMean, nearestNames } from './suggest.js';

/**
 * Mark instances matching `--only` as selected; their ancestors stay in the plan
 * (unselected) so inputs can come from cache or be rebuilt; everything else is dropped.
 * Selectors match action name, group, type, output name, or `name[key=value,...]`; each
 * entry of `values` may hold several, separated by commas (see splitSelectors).
 */
export function applySelection(result: Plan, values: readonly string[]): void {
  const issues: AeroError[] = [];
  const selected = new Set<number>();
  const selectors = splitSelectors(values);
  if (selectors.empty.length > 0) {
    const where = selectors.empty.map((v) => (v.trim() === '' ? "''" : `\`${v}\``)).join(', ');
    issues.push(new AeroError(ErrorCodes.PLAN_ONLY_NO_MATCH, `--only ${where}: an empty selector selects nothing.`, {
      hint: 'Name what to run: an action, group, type, output or name[key=value,...] (`aero list` shows them); leave out --only to run everything.',
      details: { selector: '' },
    }));
  }
  for (const text of selectors.list) {
    const matched = matchSelector(result, text);
    if (matched instanceof AeroError) issues.push(matched);
    else for (const i of matched) selected.add(i);
  }
  if (issues.length > 0) throw aggregate(issues);
  const keep = new Set<number>();
  const stack = [...selected];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (keep.has(i)) continue;
    keep.add(i);
    stack.push(...result.instances[i]!.deps);
  }
  for (const i of keep) result.instances[i]!.selected = selected.has(i);
  keepInstances(result, (index) => keep.has(index));
}

/** A quote opens a quoted value only where a value starts: after `=` (spaces between). */
function opensQuote(text: string, at: number): boolean {
  const c = text[at];
  if (c !== '"' && c !== "'") return false;
  let i = at - 1;
  while (i >= 0 && text[i] === ' ') i--;
  return text[i] === '=';
}

/**
 * Where the commas of a text that separate selectors are: outside `[...]` and outside a
 * quoted value. `depth`/`quote` carry over from an earlier piece.
 */
function scan(text: string, state: { depth: number; quote: string | undefined }, onComma?: (at: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (state.quote) {
      if (c === state.quote) state.quote = undefined;
    } else if (c === '[') state.depth++;
    else if (c === ']') state.depth = Math.max(0, state.depth - 1);
    else if (state.depth > 0 && opensQuote(text, i)) state.quote = c;
    else if (c === ',' && state.depth === 0) onComma?.(i);
  }
}

/**
 * The selectors of `--only` values. Each value is a comma-separated list, split only on
 * commas outside `[...]` (and outside quotes in brackets), so `simulate[split=test,sim=1]`,
 * an instance id as the CLI prints it, is one selector. Values a caller already split on
 * every comma (`simulate[split=test`, `sim=1]`) are joined back while a bracket is open.
 * Empty selectors (`''`, `a,`) are returned apart, to be refused: none must mean "all".
 */
export function splitSelectors(values: readonly string[]): { list: string[]; empty: string[] } {
  const joined: string[] = [];
  const state = { depth: 0, quote: undefined as string | undefined };
  for (const value of values) {
    if (joined.length > 0 && (state.depth > 0 || state.quote)) joined[joined.length - 1] += `,${value}`;
    else {
      joined.push(value);
      state.depth = 0;
      state.quote = undefined;
    }
    scan(value, state);
  }
  const list: string[] = [];
  const empty: string[] = [];
  for (const value of joined) {
    const pieces: string[] = [];
    let start = 0;
    scan(value, { depth: 0, quote: undefined }, (at) => {
      pieces.push(value.slice(start, at));
      start = at + 1;
    });
    pieces.push(value.slice(start));
    for (const piece of pieces) {
      if (piece.trim() === '') empty.push(value);
      else list.push(piece.trim());
    }
  }
  return { list, empty: [...new Set(empty)] };
}

interface Selector {
  name: string;
  filters: Array<[string, string]>;
}

/**
 * `name` or `name[key=value,...]`; a value in quotes (`name="a,b"`, `name='x]y'`) is taken
 * as written between them, so values with commas, brackets or spaces can be selected.
 */
function parseSelector(text: string): Selector | string {
  const open = text.indexOf('[');
  const name = (open < 0 ? text : text.slice(0, open)).trim();
  if (name === '' || name.includes(']') || (open >= 0 && !text.endsWith(']'))) return 'it is not `name` or `name[key=value,...]`';
  const filters: Array<[string, string]> = [];
  if (open < 0) return { name, filters };
  const inner = text.slice(open + 1, -1);
  const pairs: string[] = [];
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (opensQuote(inner, i)) quote = c;
    else if (c === ',') {
      pairs.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  if (quote) return `a value opens a quote (${quote}) that is not closed`;
  pairs.push(inner.slice(start));
  for (const pair of pairs.map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `\`${pair}\` is not key=value`;
    const raw = pair.slice(eq + 1).trim();
    const quoted = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw[raw.length - 1] === raw[0];
    filters.push([pair.slice(0, eq).trim(), quoted ? raw.slice(1, -1) : raw]);
  }
  return { name, filters };
}

/** A value as a selector takes it: quoted when a comma, bracket, quote or edge space would change it. */
function selectorValue(value: string): string {
  if (!/[,[\]"']|^\s|\s$/.test(value)) return value;
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

function selects(action: Action, name: string): boolean {
  return action.name === name || action.group === name || action.type === name || name in action.outputs || `${action.name}.${name}` in action.outputs;
}

/**
 * The instances one selector picks, or why it picks none: an unknown name, partition key
 * or value is refused with the names that exist (a typo must not silently select less).
 */
function matchSelector(result: Plan, text: string): number[] | AeroError {
  const picked = matchParsed(result, text);
  if (Array.isArray(picked) || !text.includes('[')) return picked;
  // An instance id exactly as printed is always a selector, even when a value holds a
  // comma or `=` that the key=value reading splits (`w[name=a,b]`).
  const exact = result.instances.filter((inst) => inst.id === text).map((inst) => inst.index);
  return exact.length > 0 ? exact : picked;
}

function matchParsed(result: Plan, text: string): number[] | AeroError {
  const fail = (problem: string, hint?: string) => new AeroError(ErrorCodes.PLAN_ONLY_NO_MATCH, `--only \`${text}\`: ${problem}.`, { ...(hint ? { hint } : {}), details: { selector: text } });
  const parsed = parseSelector(text);
  if (typeof parsed === 'string') return fail(parsed, 'Selectors match a name, group, type, output name, or name[key=value,...].');
  const actions = result.actions.filter((a) => selects(a, parsed.name));
  if (actions.length === 0) {
    const names = selectableNames(result.actions);
    const near = nearestNames(parsed.name, [...names.actions, ...names.groups, ...names.types, ...names.outputs]);
    const list = (label: string, values: string[]) => (values.length > 0 ? [`${label}: ${values.join(', ')}`] : []);
    const known = [...list('Actions', names.actions), ...list('groups', names.groups), ...list('types', names.types), ...list('outputs', names.outputs)].join('; ');
    return fail(`no action, group, type or output is named \`${parsed.name}\``, near.length > 0 ? didYouMean(near) : `${known}.`);
  }
  const instances = actions.flatMap((a) => result.byAction.get(a.name) ?? []).map((i) => result.instances[i]!);
  const label = actions.length === 1 ? `\`${actions[0]!.name}\`` : `\`${parsed.name}\``;
  for (const [key, value] of parsed.filters) {
    const values = new Set<string>();
    for (const inst of instances) if (inst.partition && key in inst.partition) values.add(String(inst.partition[key]));
    if (values.size === 0) {
      const keys = [...new Set(instances.flatMap((inst) => Object.keys(inst.partition ?? {})))].sort();
      const near = nearestNames(key, keys);
      return fail(`${label} has no partition key \`${key}\` (keys: ${keys.join(', ') || 'none'})`, near.length > 0 ? didYouMean(near) : undefined);
    }
    if (!values.has(value)) {
      const sorted = [...values].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).map(selectorValue);
      const shown = sorted.length > 10 ? `${sorted.slice(0, 5).join(', ')}, ..., ${sorted[sorted.length - 1]} (${sorted.length} values)` : sorted.join(', ');
      const near = nearestNames(value, [...values]).map((v) => `${parsed.name}[${parsed.filters.map(([k, x]) => `${k}=${selectorValue(k === key ? v : x)}`).join(',')}]`);
      return fail(`no partition of ${label} has ${key}=${value} (${key} is one of: ${shown})`, near.length > 0 ? didYouMean(near) : undefined);
    }
  }
  const picked = instances.filter((inst) => parsed.filters.every(([k, v]) => inst.partition !== undefined && String(inst.partition[k]) === v)).map((inst) => inst.index);
  if (picked.length === 0) return fail(`no instance of ${label} has all of ${parsed.filters.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  return picked;
}

function selectableNames(actions: Action[]) {
  const uniq = (values: Array<string | undefined>) => [...new Set(values.filter((v): v is string => typeof v === 'string'))].sort();
  return {
    actions: actions.map((a) => a.name),
    groups: uniq(actions.map((a) => a.group)),
    types: uniq(actions.map((a) => a.type)),
    outputs: uniq(actions.flatMap((a) => Object.keys(a.outputs))),
  };
}
