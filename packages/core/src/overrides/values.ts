import type { OverrideValue } from './types.js';

const DIGITS = String.raw`\d(?:_?\d)*`;
const POINT = String.raw`(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.`;
const EXPONENT = String.raw`(?:${POINT}|${DIGITS})[eE][+-]?\d+`;
const FLOAT_RE = new RegExp(String.raw`^[+-]?(?:${EXPONENT}|${POINT}|inf|nan)$`, 'i');
// Like Hydra's INT: no leading zeros (`007` stays a string), `_` separators allowed.
const INT_RE = /^[+-]?(?:0|[1-9](?:_?\d)*)$/;
const BOOL_RE = /^(?:true|false)$/i;
const NULL_RE = /^null$/i;

/**
 * Types one unquoted primitive the way Hydra's override grammar does
 * ("Basic Override syntax" → "Primitives"): int, float (incl. `1e-3`, `.5`, `inf`,
 * `nan`), bool and null are case-insensitive; anything else is a string.
 */
export function typePrimitive(raw: string): string | number | boolean | null {
  if (raw.length === 0) return raw;
  const first = raw.charCodeAt(0);
  const maybeNumeric = (first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46 || first === 105 || first === 73 || first === 110 || first === 78;
  if (maybeNumeric) {
    if (INT_RE.test(raw)) return Number(raw.replace(/_/g, ''));
    if (FLOAT_RE.test(raw)) {
      const lower = raw.toLowerCase();
      if (lower.endsWith('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
      if (lower.endsWith('nan')) return Number.NaN;
      return Number(raw.replace(/_/g, ''));
    }
  }
  if (NULL_RE.test(raw)) return null;
  if (BOOL_RE.test(raw)) return raw.toLowerCase() === 'true';
  return raw;
}

const BARE_RE = /^[\w\-+./%*@?|:]+$/;

function formatString(value: string): string {
  if (BARE_RE.test(value) && typeof typePrimitive(value) === 'string') return value;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

/** Writes a value back in override syntax, so that parsing the text gives the same value. */
export function formatValue(value: OverrideValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return formatString(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${formatString(k)}:${formatValue(v)}`)
    .join(',')}}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Deep copy of plain JSON-like data (objects, arrays, primitives). */
export function cloneTree<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneTree) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = cloneTree(value[key]);
    return out as T;
  }
  return value;
}
