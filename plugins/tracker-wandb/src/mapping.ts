// Pure translations from aero's vocabulary to W&B's: run ids, names, config, tags,
// history rows, exit codes. Everything here is deterministic, so a spool replayed by
// `aero sync wandb` produces exactly the requests the live run would have sent.
import { createHash } from 'node:crypto';
import type { ActionStatus, MetricPoint, RunStatus } from '@aeroml/core';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Characters kept in W&B run ids, artifact names, types and aliases. */
export function sanitizeName(value: string, max = 128): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  return (cleaned || 'unnamed').slice(0, max);
}

export function sanitizeProject(value: string): string {
  return (value.replace(/[/\\#?%:]+/g, '-') || 'uncategorized').slice(0, 128);
}

/**
 * The W&B run id (`name` in GraphQL) of the pipeline run or of one action instance:
 * deterministic, so a resumed or re-synced run updates the same W&B run.
 */
export function wbRunId(runId: string, instanceId?: string): string {
  const base = `aero-${sanitizeName(runId, 80)}`;
  return instanceId === undefined ? base : `${base}-${sha(instanceId).slice(0, 10)}`;
}

/** Deterministic 128-character client id (W&B clients send one per artifact). */
export function clientId(seed: string): string {
  let out = '';
  let block = seed;
  while (out.length < 128) {
    block = sha(block);
    out += BigInt(`0x${block}`).toString(36);
  }
  return out.slice(0, 128);
}

/** W&B config format: each top-level key wrapped as `{ value, desc }`. */
export function wrapConfig(config: Record<string, unknown>): Record<string, { value: unknown; desc: null }> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, { value: toJsonSafe(value), desc: null }]));
}

/** JSON cannot carry NaN/Infinity or bigint: W&B receives them as strings, nothing is dropped. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toJsonSafe(v)]));
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Merges `patch` into `target` recursively (objects merge, everything else replaces). */
export function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** aero tags become W&B tags `key:value` (W&B tags are labels of at most 64 characters). */
export function tagList(tags: Record<string, string>, extra: readonly string[] = []): string[] {
  const out = new Set<string>(extra);
  for (const [key, value] of Object.entries(tags)) {
    const tag = value === '' ? key : `${key}:${value}`;
    if (tag.length > 0 && tag.length <= 64) out.add(tag);
  }
  return [...out];
}

const RESERVED = new Set(['_step', '_timestamp', '_runtime', '_wandb']);

/** Metric names W&B reserves are logged under `aero/<name>`. */
export function metricKey(name: string): string {
  return RESERVED.has(name) ? `aero/${name}` : name;
}

export type HistoryRow = Record<string, unknown> & { _step: number; _timestamp: number; _runtime: number };

/**
 * One history row per step of a batch (W&B history is a table of rows keyed by `_step`),
 * rows in step order; `_timestamp` is the latest point's time in seconds.
 */
export function historyRows(batch: readonly MetricPoint[], startedAtMs: number): HistoryRow[] {
  const bySteps = new Map<number, MetricPoint[]>();
  for (const point of batch) {
    const list = bySteps.get(point.step);
    if (list) list.push(point);
    else bySteps.set(point.step, [point]);
  }
  return [...bySteps.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([step, points]) => {
      const ts = points.reduce((max, p) => (p.timestamp > max ? p.timestamp : max), -Infinity);
      const row: HistoryRow = { _step: step, _timestamp: ts / 1000, _runtime: Math.max(0, (ts - startedAtMs) / 1000) };
      for (const point of points) row[metricKey(point.name)] = toJsonSafe(point.value);
      return row;
    });
}

/** Exit code sent with `complete` on the file stream: W&B marks 0 finished, others failed. */
export function exitCode(status: ActionStatus | RunStatus): number {
  switch (status) {
    case 'failed':
      return 1;
    case 'interrupted':
      return 130;
    default:
      return 0;
  }
}

/** W&B alias naming the partition an artifact version belongs to (`split-test.sim-3`). */
export function partitionAlias(partition: Record<string, string | number> | undefined): string | undefined {
  if (!partition || Object.keys(partition).length === 0) return undefined;
  return sanitizeName(
    Object.keys(partition)
      .sort()
      .map((k) => `${k}-${partition[k]}`)
      .join('.'),
  );
}
