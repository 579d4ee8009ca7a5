import type { Plan } from './planner.js';

/**
 * The params a run reports to its trackers: the composed tree with each planned
 * action's section replaced by what that action really runs with — validated by its
 * zod schema, defaults filled, values coerced. Keys outside every action's section
 * (read by partition functions or `${...}` interpolations) stay as composed.
 */
export function trackedRunParams(params: Record<string, unknown>, plan: Plan): Record<string, unknown> {
  const tracked: Record<string, unknown> = structuredClone(params);
  for (const action of plan.actions) {
    const first = plan.byAction.get(action.name)?.[0];
    const inst = first === undefined ? undefined : plan.instances[first];
    if (inst && inst.params !== undefined) tracked[action.paramsKey] = structuredClone(inst.params);
  }
  return tracked;
}
