// The JSON the server answers and a report embeds, shared by the data layer and the
// browser client so both sides agree on one shape.

import type { NonFiniteMarker } from './non-finite.js';

export type { NonFiniteMarker } from './non-finite.js';

export type Status = 'running' | 'succeeded' | 'failed' | 'interrupted' | string;

/** What the runs list and a run's page both show of a run. */
export interface RunSummary {
  id: string;
  name: string;
  status: Status;
  startedAt: string;
  durationMs: number | null;
  sweepId: string | null;
}

export interface RunRow extends RunSummary {
  counts: Record<string, number>;
  actions: number;
  /** Only the params (dot paths) that differ between the listed runs. */
  params: Record<string, unknown>;
  /**
   * Last value of each metric, over the run's instances (`instance/metric` when several log it);
   * `null` when it is NaN or ±Infinity (the run record is JSON; the sweep page and the metric
   * series say which).
   */
  metrics: Record<string, number | null>;
}

export interface RunsPage {
  project: string;
  runs: RunRow[];
  /** The dot paths in `RunRow.params`, sorted. */
  paramKeys: string[];
  /** True while a run is going: the client polls again. */
  live: boolean;
}

export interface InstanceRow {
  id: string;
  action: string;
  status: string;
  durationMs: number | null;
  /** Milliseconds after the run started; estimated from the DAG when the store has no record (`estimated`). */
  start: number | null;
  end: number | null;
  estimated: boolean;
  outputs: Record<string, string>;
  error: string | null;
  reason: string | null;
  hasLog: boolean;
  metrics: Record<string, number>;
}

export interface ArtifactInfo {
  name: string;
  digest: string;
  handler: string;
  producer: string;
  files: Array<{ path: string; size: number }>;
  metadata: Record<string, unknown>;
}

export interface RunDetail extends RunSummary {
  finishedAt: string | null;
  git: { commit: string | null; dirty: boolean; branch: string | null };
  launcher: string;
  dev: boolean;
  host: string;
  overrides: string[];
  params: Record<string, unknown>;
  config: unknown;
  sources: string[];
  instances: InstanceRow[];
  /** [producer instance id, consumer instance id] within the run. */
  edges: Array<[string, string]>;
  artifacts: ArtifactInfo[];
}

export interface MetricSeries {
  /** Instance id, or '' for run-level metrics. */
  instance: string;
  name: string;
  steps: number[];
  /** `null` where the point is NaN or ±Infinity (JSON has no such number): `nonFinite` says which. */
  values: Array<number | null>;
  /** Index into `steps`/`values` → the non-finite value that `null` stands for; `{}` when every point is finite. */
  nonFinite: Record<string, NonFiniteMarker>;
  /** Points before downsampling. */
  points: number;
}

export interface MetricsPage {
  series: MetricSeries[];
}

export interface LogPage {
  instance: string;
  text: string;
  truncated: boolean;
}

export type Preview =
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'json'; text: string; truncated: boolean }
  | { kind: 'csv'; rows: string[][]; truncated: boolean }
  | { kind: 'image'; mime: 'image/png'; base64: string }
  | { kind: 'handler'; handler: string; summary: Record<string, unknown>; pngBase64: string | null }
  | { kind: 'none'; reason: string };

export interface LineageGraph {
  root: string;
  nodes: Array<{ id: string; kind: 'artifact' | 'action'; label: string; detail: string }>;
  edges: Array<[string, string]>;
}

export interface SweepPage {
  id: string;
  /**
   * `metrics`: each metric's last value, `null` when it is NaN or ±Infinity; `nonFinite`
   * (metric key → marker) says which, `{}` when every last value is finite.
   */
  trials: Array<{ id: string; name: string; status: Status; params: Record<string, unknown>; metrics: Record<string, number | null>; nonFinite: Record<string, NonFiniteMarker> }>;
  paramKeys: string[];
  metricKeys: string[];
}

/** Routes the client asks for: the same strings key the data a report embeds. */
export const ApiPaths = {
  runs: () => '/api/runs',
  run: (id: string) => `/api/runs/${encodeURIComponent(id)}`,
  metrics: (id: string) => `/api/runs/${encodeURIComponent(id)}/metrics`,
  log: (id: string, instance: string) => `/api/runs/${encodeURIComponent(id)}/logs/${encodeURIComponent(instance)}`,
  preview: (name: string, digest: string, file: string) => `/api/artifacts/${encodeURIComponent(name)}/${digest}/preview/${encodeURIComponent(file)}`,
  lineage: (ref: string) => `/api/lineage/${encodeURIComponent(ref)}`,
  sweep: (id: string) => `/api/sweeps/${encodeURIComponent(id)}`,
} as const;
