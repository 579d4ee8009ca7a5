/**
 * A value as a user gave it, for an error message: `"abc"`, `NaN`, `-1`, `null`, `[1,2]`,
 * `a function` (JSON alone would print NaN as `null` and lose undefined).
 */
export function showGiven(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
