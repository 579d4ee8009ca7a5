import type { Action } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';
import { keepInstances } from './keep-instances.js';
import { aggregate } from './plan-issues.js';
import type { Plan } from './plan-types.js';
import { didYouMean, nearestNames } from './suggest.js';

/**
 * Mark instances matching `--only` as selected; their ancestors stay in the plan
 * (unselected) so inputs can come from cache or be rebuilt; everything else is dropped.
 * Selectors match action name, group, type, output name, or `name[key=value,...]`.
 */
export function applySelection(result: Plan, selectors: string[]): void {
  const issues: AeroError[] = [];
  const selected = new Set<number>();
  for (const text of selectors) {
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

interface Selector {
  name: string;
  filters: Array<[string, string]>;
}

function parseSelector(text: string): Selector | string {
  const m = /^([^[\]]+)(?:\[(.*)\])?$/.exec(text.trim());
  if (!m) return 'it is not `name` or `name[key=value,...]`';
  const filters: Array<[string, string]> = [];
  for (const pair of (m[2] ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `\`${pair}\` is not key=value`;
    filters.push([pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]);
  }
  return { name: m[1]!.trim(), filters };
}

function selects(action: Action, name: string): boolean {
  return action.name === name || action.group === name || action.type === name || name in action.outputs || `${action.name}.${name}` in action.outputs;
}

/**
 * The instances one selector picks, or why it picks none: an unknown name, partition key
 * or value is refused with the names that exist (a typo must not silently select less).
 */
function matchSelector(result: Plan, text: string): number[] | AeroError {
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
      const sorted = [...values].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      const shown = sorted.length > 10 ? `${sorted.slice(0, 5).join(', ')}, ..., ${sorted[sorted.length - 1]} (${sorted.length} values)` : sorted.join(', ');
      const near = nearestNames(value, sorted).map((v) => `${parsed.name}[${parsed.filters.map(([k, x]) => `${k}=${k === key ? v : x}`).join(',')}]`);
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
