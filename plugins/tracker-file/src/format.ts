import type { ActionStatus, ArtifactRef, MetricPoint, RunStatus } from '@aeroml/core';

/** File names the file tracker writes. */
export const Files = {
  /** Run dir: status, timings, identity of the run. */
  tracker: 'tracker.json',
  /** Run dir: the event log of every action instance (one `ActionEvent` per line). */
  actions: 'actions.jsonl',
  /** Run dir (run-level params and tags). */
  params: 'params.json',
  tags: 'tags.json',
  /** Run dir (run-level), and an instance's folder once it logs its first metric. */
  metrics: 'metrics.jsonl',
  /** Run dir: run-level artifacts. */
  artifacts: 'artifacts.jsonl',
} as const;

/**
 * Version of the on-disk format, in `tracker.json`. 1 was one folder per instance with
 * status.json, params.json, tags.json and artifacts.jsonl; 2 is the event log.
 */
export const SCHEMA = 2;

/** `tracker.json` in the run directory. */
export interface TrackerJson {
  schema: number;
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

/** An action instance's status as folded from `actions.jsonl` (what `RecordedAction.record` holds). */
export interface StatusJson extends StartFields {
  schema: number;
  instanceId: string;
  status: ActionStatus | 'running';
  endedAt?: string;
  durationMs?: number;
  error?: string;
}

/** One line of `metrics.jsonl`. Non-finite values are written as the strings "NaN", "Infinity", "-Infinity". */
export interface MetricLine {
  name: string;
  value: number | 'NaN' | 'Infinity' | '-Infinity';
  step: number;
  timestamp: number;
}

/** One line of the run-level `artifacts.jsonl`; the same fields make an `artifact` event. */
export interface ArtifactLine {
  direction: 'input' | 'output';
  ref: ArtifactRef;
  loggedAt: string;
}

/** What `startAction` knows about an instance. */
export interface StartFields {
  action: string;
  group?: string;
  type?: string;
  partition?: Record<string, string | number>;
  cacheKey: string;
  cached: boolean;
  startedAt: string;
}

/** What `endAction` adds. */
export interface EndFields {
  status: ActionStatus;
  endedAt: string;
  durationMs: number;
  error?: string;
}

/**
 * One line of `actions.jsonl`. Each line is about one instance and says what changed;
 * `readFileTracker` folds them in order. `dir` is relative to the run dir when inside it.
 */
export type ActionEvent =
  /** `startAction` (or the first call about an instance never started). */
  | ({ event: 'start'; instanceId: string; status: 'running'; dir: string; params: Record<string, unknown> } & StartFields)
  /** `logParams`: deep-merged into the instance's params. */
  | { event: 'params'; instanceId: string; params: Record<string, unknown> }
  /** `setTags`: merged into the instance's tags. */
  | { event: 'tags'; instanceId: string; tags: Record<string, string> }
  /** `logArtifact`. */
  | ({ event: 'artifact'; instanceId: string } & ArtifactLine)
  /** Written before the first metric batch: from now on the instance's points are in `<dir>/metrics.jsonl`. */
  | { event: 'metrics'; instanceId: string }
  /** `endAction`. */
  | ({ event: 'end'; instanceId: string } & EndFields)
  /** An instance served from cache, everything in one line written at `endAction`. */
  | ({
      event: 'cached';
      instanceId: string;
      dir: string;
      params: Record<string, unknown>;
      tags: Record<string, string>;
      artifacts: ArtifactLine[];
      metrics: MetricLine[];
    } & StartFields &
      EndFields);

export type ActionEventKind = ActionEvent['event'];

export const EVENT_KINDS: ReadonlySet<string> = new Set<ActionEventKind>(['start', 'params', 'tags', 'artifact', 'metrics', 'end', 'cached']);

/** Instance ids are folder names too (`simulate[split=test,sim=3]`); keep them safe on disk. */
export function safeDirName(instanceId: string): string {
  return instanceId.replace(/[/\\:*?"<>| ]/g, '_');
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

/**
 * True when `deepMerge(base, patch)` would change nothing. The engine logs an instance's
 * params again right after `startAction`; this keeps that repeat from costing a write.
 * Both sides are JSON-shaped copies, so comparing non-objects as JSON text is exact.
 */
export function mergeChangesNothing(base: Record<string, unknown>, patch: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(patch)) {
    if (!Object.hasOwn(base, key)) return false;
    const current = base[key];
    if (isPlainObject(current) && isPlainObject(value)) {
      if (!mergeChangesNothing(current, value)) return false;
    } else if (JSON.stringify(current) !== JSON.stringify(value)) {
      return false;
    }
  }
  return true;
}
