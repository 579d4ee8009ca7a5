// Turns aero values into what MLflow accepts: dot-path params, valid key names, values
// within the store's length limits, metric points with integer step/timestamp.
import { createHash } from 'node:crypto';
import type { MetricPoint } from '@aeroml/core';
import { VALUE_LIMITS, type KeyValue, type MetricWire } from './client/client.js';

/**
 * Flattens a params tree into dot paths with string leaves: `{ model: { lr: 0.1 } }` →
 * `model.lr = "0.1"`. Arrays and null become their JSON text; undefined is skipped.
 */
export function flattenParams(value: Record<string, unknown>, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, leaf] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (leaf !== null && typeof leaf === 'object' && !Array.isArray(leaf) && !(leaf instanceof Date)) {
      const before = Object.keys(out).length;
      flattenParams(leaf as Record<string, unknown>, path, out);
      if (Object.keys(out).length === before && Object.keys(leaf).length === 0) out[path] = '{}';
    } else if (typeof leaf === 'string') out[path] = leaf;
    else if (leaf === undefined || typeof leaf === 'function' || typeof leaf === 'symbol') continue;
    else if (typeof leaf === 'number' || typeof leaf === 'boolean' || typeof leaf === 'bigint') out[path] = String(leaf);
    else if (leaf instanceof Date) out[path] = leaf.toISOString();
    else out[path] = JSON.stringify(leaf);
  }
  return out;
}

const VALID_NAME = /^[/\p{L}\p{N}_.\- :]*$/u;

/** True when MLflow accepts `name` as a param, metric or tag key. */
export function isValidKey(name: string): boolean {
  if (name.length === 0 || name.length > VALUE_LIMITS.key || !VALID_NAME.test(name)) return false;
  // MLflow refuses names that normalize to another path (`a//b`, `./a`, `a/`, `/a`, `..`).
  const parts = name.split('/');
  return !parts.some((p) => p === '' || p === '.' || p === '..');
}

/**
 * A key MLflow accepts: invalid characters become `_`, empty path segments are dropped,
 * keys over 250 characters are cut and get a short hash so they stay unique.
 */
export function sanitizeKey(name: string): string {
  if (isValidKey(name)) return name;
  let key = name
    .replace(/[^/\p{L}\p{N}_.\- :]/gu, '_')
    .split('/')
    .filter((p) => p !== '' && p !== '.' && p !== '..')
    .join('/');
  if (key === '') key = '_';
  if (key.length > VALUE_LIMITS.key) {
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
    key = `${key.slice(0, VALUE_LIMITS.key - 9)}~${hash}`.replace(/\/~/, '_~');
  }
  return key;
}

export interface Truncated {
  key: string;
  original: string;
}

/** Cuts a value to `limit` characters, keeping it recognisable as cut. */
export function truncateValue(value: string, limit: number): string {
  if (value.length <= limit) return value;
  const marker = '...[truncated]';
  return value.slice(0, limit - marker.length) + marker;
}

/** Params as MLflow entries: valid keys, values cut to 6000 characters (the originals are returned). */
export function toParamEntries(flat: Record<string, string>): Entries {
  return toEntries(flat, VALUE_LIMITS.param);
}

/** Tags as MLflow entries: valid keys, values cut to 8000 characters. */
export function toTagEntries(tags: Record<string, string>): Entries {
  return toEntries(tags, VALUE_LIMITS.tag);
}

/** MLflow entries, and what was changed to make them: values cut (with the originals) and keys renamed. */
export interface Entries {
  entries: KeyValue[];
  truncated: Truncated[];
  renamed: Array<[string, string]>;
}

function toEntries(values: Record<string, string>, limit: number): Entries {
  const out: Entries = { entries: [], truncated: [], renamed: [] };
  for (const [rawKey, raw] of Object.entries(values)) {
    const value = String(raw);
    const key = sanitizeKey(rawKey);
    if (key !== rawKey) out.renamed.push([rawKey, key]);
    if (value.length > limit) out.truncated.push({ key, original: value });
    out.entries.push({ key, value: truncateValue(value, limit) });
  }
  return out;
}

/** One metric point on the wire. Step and timestamp are kept exactly (rounded only when not integers). */
export function toMetricWire(point: MetricPoint): MetricWire {
  const value = point.value;
  const wireValue: MetricWire['value'] = Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : value;
  return {
    key: sanitizeKey(point.name),
    value: wireValue,
    timestamp: Number.isFinite(point.timestamp) ? Math.max(0, Math.round(point.timestamp)) : Date.now(),
    step: Number.isFinite(point.step) ? Math.trunc(point.step) : 0,
  };
}

/** Approximate JSON size of one entry in a log-batch body (for the 1 MB request limit). */
export function entrySize(entry: KeyValue | MetricWire): number {
  if ('timestamp' in entry) return entry.key.length + 80;
  return entry.key.length * 1.1 + entry.value.length * 1.2 + 40;
}

/** Partition keys as a readable suffix valid in MLflow keys: `/split:test/sim:3`. */
export function partitionSuffix(partition: Record<string, string | number> | undefined): string {
  if (!partition || Object.keys(partition).length === 0) return '';
  return Object.entries(partition)
    .map(([k, v]) => `/${k}:${v}`)
    .join('');
}

/** MLflow run status for an aero action/run status. */
export function runStatusFor(status: string): 'FINISHED' | 'FAILED' | 'KILLED' {
  switch (status) {
    case 'ran':
    case 'cached':
    case 'succeeded':
      return 'FINISHED';
    case 'failed':
      return 'FAILED';
    default:
      // interrupted, skipped
      return 'KILLED';
  }
}
