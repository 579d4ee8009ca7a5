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
    // A copy, so a tracker cannot change what the actions run with; `{}` for the many actions
    // without params (structuredClone per action was most of this on a 10,000-action run).
    if (inst && inst.params !== undefined) tracked[action.paramsKey] = isEmptyObject(inst.params) ? {} : structuredClone(inst.params);
  }
  return tracked;
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const _ in value) return false;
  return true;
}
