import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { ActionInfo, ArtifactRef, ManifestFile, MetricPoint, RunInfo } from '@aeroml/core';
import { trackerActionInfo, type TrackedArtifact, type TrackedMetric, type TrackedScope, type TrackerReadBack } from '@aeroml/test-utils';

export const baseUrl = (): string => inject('wandbBaseUrl');

export interface TestTenant {
  baseUrl: string;
  apiKey: string;
  entity: string;
  team: string;
}

/** A fresh, isolated account on the protocol server (its own entity, runs, artifacts, faults). */
export async function newTenant(options: { noDefaultEntity?: boolean } = {}): Promise<TestTenant> {
  const url = baseUrl();
  const response = await fetch(`${url}/_test/tenants`, { method: 'POST', body: JSON.stringify(options) });
  if (!response.ok) throw new Error(`cannot create a tenant on ${url}: HTTP ${response.status}`);
  return { baseUrl: url, ...((await response.json()) as Omit<TestTenant, 'baseUrl'>) };
}

export interface ServerRun {
  entity: string;
  project: string;
  name: string;
  displayName: string;
  group: string | null;
  jobType: string | null;
  notes: string | null;
  commit: string | null;
  host: string | null;
  state: string;
  tags: string[];
  config: Record<string, unknown> & { _aero?: Record<string, unknown> & { tags?: Record<string, string> } };
  summary: Record<string, unknown>;
  history: (Record<string, unknown> | null)[];
  historyHoles: number;
  historyWrites: number;
  complete: boolean;
  exitcode: number | null;
  upserts: number;
}

export interface ServerArtifact {
  id: string;
  entity: string;
  project: string;
  type: string;
  collection: string;
  digest: string;
  state: string;
  versionIndex: number | null;
  aliases: string[];
  metadata: Record<string, unknown> & { aero?: { name: string; digest: string; handler: string; notUploaded?: string[]; partition?: Record<string, unknown> } };
  createdBy: string | null;
  loggedBy: string[];
  manifest: { contents: Record<string, { digest: string; size: number; ref?: string }> } | null;
  files: { name: string; md5: string; size: number; uploaded: boolean; deduplicated: boolean }[];
}

export interface ServerRequest {
  seq: number;
  kind: 'graphql' | 'file_stream' | 'storage';
  operationName?: string | null;
  variables?: Record<string, unknown>;
  run?: string;
  body?: Record<string, unknown>;
  status: number | string;
  fault?: string;
  slot?: string;
  name?: string | null;
  artifactId?: string | null;
}

export interface ServerState {
  entity: string;
  runs: ServerRun[];
  artifacts: ServerArtifact[];
  uses: { entity: string; project: string; run: string; artifactId: string }[];
  requests: ServerRequest[];
  faults: { id: string; applied: number; remaining: number }[];
}

export async function serverState(t: TestTenant): Promise<ServerState> {
  const response = await fetch(`${t.baseUrl}/_test/tenants/${t.apiKey}/state`);
  if (!response.ok) throw new Error(`cannot read the server state: HTTP ${response.status}`);
  return (await response.json()) as ServerState;
}

export interface FaultRule {
  target?: 'graphql' | 'file_stream' | 'storage' | '*';
  operation?: string;
  action?: 'status' | 'drop' | 'drop-after';
  status?: number;
  retryAfter?: number;
  skip?: number;
  times?: number;
}

export async function setFaults(t: TestTenant, rules: FaultRule[]): Promise<void> {
  const response = await fetch(`${t.baseUrl}/_test/tenants/${t.apiKey}/faults`, { method: 'PUT', body: JSON.stringify({ rules }) });
  if (!response.ok) throw new Error(`cannot set faults: HTTP ${response.status}`);
}

/** Small retry delays so outage tests are quick; the policy is the same as in production. */
export const fastRetry = { attempts: 8, minDelayMs: 2, maxDelayMs: 20 };

export interface Workspace {
  root: string;
  aeroDir: string;
  runsRoot: string;
  cleanup(): Promise<void>;
}

export async function workspace(): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'aero-wandb-'));
  const aeroDir = join(root, '.aero');
  const runsRoot = join(aeroDir, 'runs');
  await mkdir(runsRoot, { recursive: true });
  return { root, aeroDir, runsRoot, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Writes bytes where the local store keeps blobs and returns the manifest entry. */
export async function writeBlob(aeroDir: string, path: string, content: string | Buffer): Promise<ManifestFile> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dir = join(aeroDir, 'objects', 'sha256', sha256.slice(0, 2));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, sha256), bytes);
  return { path, sha256, size: bytes.length };
}

export function artifactRef(name: string, handler: string, files: ManifestFile[], extra: Partial<ArtifactRef> = {}): ArtifactRef {
  const digest = createHash('sha256').update(JSON.stringify({ name, handler, files, partition: extra.partition ?? null })).digest('hex');
  return { name, digest, handler, files, manifestKey: `artifacts/${name}/${digest}.json`, ...extra };
}

export function runInfo(ws: Workspace, overrides: Partial<RunInfo> = {}): RunInfo {
  const runId = overrides.runId ?? `20261122T1200-${randomBytes(3).toString('hex')}`;
  return {
    runId,
    project: 'penguins',
    runName: `brave-otter-${randomBytes(2).toString('hex')}`,
    startedAt: new Date().toISOString(),
    git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false, branch: 'main' },
    params: { seed: 7, train: { lr: 0.5 } },
    tags: { owner: 'ci' },
    runDir: join(ws.runsRoot, runId),
    dev: false,
    ...overrides,
  };
}

export function actionInfo(run: RunInfo, instanceId: string, extra: Partial<ActionInfo> = {}): ActionInfo {
  return trackerActionInfo(run, instanceId, { cacheKey: createHash('sha256').update(instanceId).digest('hex'), ...extra });
}

export function points(name: string, steps: number, value: (step: number) => number, t0 = 1_795_000_000_000): MetricPoint[] {
  return Array.from({ length: steps }, (_, step) => ({ name, value: value(step), step, timestamp: t0 + step * 10 }));
}

/** Server runs of one aero run, by instance id (`''` = the pipeline run). */
export function runsOf(state: ServerState, runId: string): Map<string, ServerRun> {
  const out = new Map<string, ServerRun>();
  for (const run of state.runs) {
    const aero = run.config._aero;
    if (aero?.runId === runId) out.set((aero.instanceId as string | undefined) ?? '', run);
  }
  return out;
}

/** Metric points as W&B holds them: one per metric key per history row, each metric in step order. */
export function metricsOf(run: ServerRun): TrackedMetric[] {
  const byName = new Map<string, TrackedMetric[]>();
  for (const row of run.history) {
    if (!row) continue;
    for (const [key, value] of Object.entries(row)) {
      if (key.startsWith('_')) continue;
      const list = byName.get(key) ?? [];
      list.push({ name: key, value: value as number, step: row._step as number });
      byName.set(key, list);
    }
  }
  return [...byName.values()].flatMap((list) => list.sort((a, b) => a.step - b.step));
}

function scopeOf(state: ServerState, run: ServerRun): TrackedScope {
  const { _aero, ...params } = run.config;
  const artifacts: TrackedArtifact[] = [];
  for (const a of state.artifacts) {
    if (a.createdBy === run.name || a.loggedBy.includes(run.name)) artifacts.push({ direction: 'output', name: a.metadata.aero!.name, digest: a.metadata.aero!.digest });
  }
  for (const use of state.uses) {
    if (use.run !== run.name || use.project !== run.project) continue;
    const a = state.artifacts.find((x) => x.id === use.artifactId)!;
    artifacts.push({ direction: 'input', name: a.metadata.aero!.name, digest: a.metadata.aero!.digest });
  }
  return {
    params,
    tags: (_aero?.tags ?? {}) as Record<string, string>,
    metrics: metricsOf(run),
    status: run.summary['aero/status'] as string | undefined,
    artifacts,
  };
}

/** What the server holds for an aero run, in the conformance suite's terms. */
export function readBackFrom(state: ServerState, runId: string): TrackerReadBack {
  const runs = runsOf(state, runId);
  const pipeline = runs.get('');
  const actions: Record<string, TrackedScope> = {};
  for (const [id, run] of runs) if (id !== '') actions[id] = scopeOf(state, run);
  return { run: pipeline ? scopeOf(state, pipeline) : { params: {}, tags: {}, metrics: [] }, actions };
}

/** Recorded requests minus test noise, in arrival order, as `kind operation run` strings. */
export function requestLog(state: ServerState): string[] {
  return state.requests.map((r) => `${r.kind} ${r.operationName ?? r.slot ?? ''} ${r.run ?? ''} ${r.status}`.replace(/\s+/g, ' ').trim());
}
