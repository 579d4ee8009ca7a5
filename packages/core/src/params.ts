import { AeroError, ErrorCodes } from './errors.js';

/**
 * Minimal `dot.path=value` overrides for configs without a ConfigLoader; values are
 * parsed as JSON when they look like it (numbers, booleans, null, lists), else strings.
 */
export function applyKeyValueOverrides(tree: Record<string, unknown>, overrides: string[]): Record<string, unknown> {
  const out = structuredClone(tree);
  for (const override of overrides) {
    const eq = override.indexOf('=');
    const rawKey = eq > 0 ? override.slice(0, eq) : '';
    const key = rawKey.replace(/^\+{1,2}/, '');
    if (!key || !/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(key)) {
      throw new AeroError(ErrorCodes.OVERRIDE_INVALID, `Override \`${override}\` is not of the form key=value.`, { hint: 'Write it as dot.path=value, e.g. train.lr=0.01.' });
    }
    const raw = override.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    const parts = key.split('.');
    let node: Record<string, unknown> = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts.at(-1)!] = value;
  }
  return out;
}
