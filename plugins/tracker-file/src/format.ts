import type { ActionStatus, ArtifactRef, MetricPoint, RunStatus } from '@aero/core';

/** File names the file tracker writes (run directory and each action directory). */
export const Files = {
  /** Run dir: status, timings, identity of the run. */
  tracker: 'tracker.json',
  /** Run dir: one line per `startAction`, mapping instance ids to their directories. */
  actions: 'actions.jsonl',
  /** Run and action dirs. */
  params: 'params.json',
  tags: 'tags.json',
  metrics: 'metrics.jsonl',
  artifacts: 'artifacts.jsonl',
  /** Action dir: status, timings, cache key, error. */
  status: 'status.json',
  /** Run dir: one line per cached instance (unless `cachedActionFiles`). */
  cached: 'cached.jsonl',
} as const;

export const SCHEMA = 1;

/** `tracker.json` in the run directory. */
export interface TrackerJson {
  schema: 1;
  runId: string;
  runName: string;
  project: string;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  git?: { commit: string | null; dirty: boolean; branch?: string | null };
  dev: boolean;
  sweepId?: string;
}

/** `status.json` in an action directory. */
export interface StatusJson {
  schema: 1;
  instanceId: string;
  action: string;
  group?: string;
  type?: string;
  partition?: Record<string, string | number>;
  cacheKey: string;
  cached: boolean;
  status: ActionStatus | 'running';
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  error?: string;
}

/** One line of `actions.jsonl`: where an instance's files are (relative to the run dir when inside it). */
export interface ActionIndexLine {
  instanceId: string;
  dir: string;
}

/** One line of `metrics.jsonl`. Non-finite values are written as the strings "NaN", "Infinity", "-Infinity". */
export interface MetricLine {
  name: string;
  value: number | 'NaN' | 'Infinity' | '-Infinity';
  step: number;
  timestamp: number;
}

/** One line of `artifacts.jsonl`. */
export interface ArtifactLine {
  direction: 'input' | 'output';
  ref: ArtifactRef;
  loggedAt: string;
}

/** One line of `cached.jsonl`: everything recorded for an instance served from cache. */
export interface CachedLine {
  instanceId: string;
  dir: string;
  status: StatusJson;
  params: Record<string, unknown>;
  tags: Record<string, string>;
  artifacts: ArtifactLine[];
  metrics: MetricLine[];
}

export function metricLine(point: MetricPoint): MetricLine {
  const value = Number.isFinite(point.value) ? point.value : (String(point.value) as MetricLine['value']);
  return { name: point.name, value, step: point.step, timestamp: point.timestamp };
}

export function encodeMetric(point: MetricPoint): string {
  return JSON.stringify(metricLine(point));
}

export function decodeMetric(line: MetricLine): MetricPoint {
  const value = typeof line.value === 'string' ? Number(line.value) : line.value;
  return { name: line.name, value, step: line.step, timestamp: line.timestamp };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Merges `patch` into `base` recursively for plain objects; other values replace. */
export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}
