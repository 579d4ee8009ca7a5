import type { Plan } from './plan-types.js';

/**
 * Narrows `plan` to the instances `keep` accepts (by their current index) and renumbers
 * them: deps, input producers, `byAction` and the action list all follow the new indices.
 * `--only` (selection) and `--use` (a pinned producer leaving the plan) both cut a plan down
 * this way.
 */
export function keepInstances(plan: Plan, keep: (index: number) => boolean): void {
  const kept = plan.instances.filter((inst) => keep(inst.index));
  const remap = new Map(kept.map((inst, i) => [inst.index, i]));
  for (const inst of kept) {
    inst.deps = inst.deps.map((d) => remap.get(d)!);
    for (const input of Object.values(inst.inputs)) input.producers = input.producers.map((p) => remap.get(p)!);
    inst.index = remap.get(inst.index)!;
  }
  plan.instances = kept;
  plan.byAction = new Map();
  for (const inst of kept) {
    const list = plan.byAction.get(inst.action.name);
    if (list) list.push(inst.index);
    else plan.byAction.set(inst.action.name, [inst.index]);
  }
  plan.actions = plan.actions.filter((a) => plan.byAction.has(a.name));
}
