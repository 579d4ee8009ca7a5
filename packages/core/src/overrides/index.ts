/**
 * The shared override grammar: the CLI and config loaders (e.g. @aeroml/config-yaml)
 * parse, apply and sweep overrides the same way, with or without YAML.
 */
export type { Override, OverrideKind, OverrideValue, Sweep, SweepChoice } from './types.js';
export { parseOverride } from './parse.js';
export { applyOverrides, type ApplyOverridesOptions } from './apply.js';
export { expandSweep } from './sweep.js';
export { resolveInterpolations, MISSING_VALUE, type ResolveInterpolationsOptions } from './interpolate.js';
export { ConfigErrorCodes } from './errors.js';
export { formatValue as formatOverrideValue, typePrimitive as decodeScalar } from './values.js';
