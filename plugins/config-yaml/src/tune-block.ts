/**
 * A top-level `tune:` key of the composed config is aero tune's settings (space,
 * objective, direction, trials...), not params: it is handed to aero as the load
 * result's `tune` and removed from the tree, so the planner does not call it an unknown
 * param. aero tune checks its keys.
 */
export function takeTuneBlock(params: Record<string, unknown>): { params: Record<string, unknown>; tune?: unknown } {
  if (!Object.prototype.hasOwnProperty.call(params, 'tune')) return { params };
  const { tune, ...rest } = params;
  return { params: rest, tune };
}
