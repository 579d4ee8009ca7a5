import { AeroError, ErrorCodes } from './errors.js';
import type { Plan, PlannedInstance } from './planner.js';

/**
 * Mark instances matching `--only` as selected; their ancestors stay in the plan
 * (unselected) so inputs can come from cache or be rebuilt; everything else is dropped.
 * Selectors match action name, group, type, output name, or `name[key=value,...]`.
 */
export function applySelection(result: Plan, selectors: string[]): void {
  const matchers = selectors.map(parseSelector);
  const selected = new Set<number>();
  for (const inst of result.instances) {
    if (matchers.some((m) => m(inst))) selected.add(inst.index);
  }
  if (selected.size === 0) {
    throw new AeroError(ErrorCodes.PLAN_ONLY_NO_MATCH, `--only ${selectors.join(',')} matches no action.`, {
      hint: `Actions: ${result.actions.map((a) => a.name).join(', ')}. Selectors match a name, group, type, output name, or name[key=value].`,
    });
  }
  const keep = new Set<number>();
  const stack = [...selected];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (keep.has(i)) continue;
    keep.add(i);
    stack.push(...result.instances[i]!.deps);
  }
  const remap = new Map<number, number>();
  const kept = result.instances.filter((inst) => keep.has(inst.index));
  kept.forEach((inst, newIndex) => remap.set(inst.index, newIndex));
  for (const inst of kept) {
    inst.selected = selected.has(inst.index);
    inst.deps = inst.deps.map((d) => remap.get(d)!);
    for (const input of Object.values(inst.inputs)) input.producers = input.producers.map((p) => remap.get(p)!);
    inst.index = remap.get(inst.index)!;
  }
  result.instances = kept;
  result.byAction = new Map();
  for (const inst of kept) {
    const list = result.byAction.get(inst.action.name);
    if (list) list.push(inst.index);
    else result.byAction.set(inst.action.name, [inst.index]);
  }
  result.actions = result.actions.filter((a) => result.byAction.has(a.name));
}

function parseSelector(selector: string): (inst: PlannedInstance) => boolean {
  const m = /^([^[\]]+)(?:\[(.*)\])?$/.exec(selector.trim());
  const name = m?.[1]?.trim() ?? selector;
  const filters = (m?.[2] ?? '').split(',').filter(Boolean).map((pair) => pair.split('=').map((s) => s.trim()) as [string, string]);
  return (inst) => {
    const a = inst.action;
    const nameMatches = a.name === name || a.group === name || a.type === name || name in a.outputs || `${a.name}.${name}` in a.outputs;
    if (!nameMatches) return false;
    return filters.every(([k, v]) => inst.partition !== undefined && String(inst.partition[k]) === v);
  };
}
