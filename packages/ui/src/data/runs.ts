import type { ActionEntry, Aero, RunRecord } from '@aeroml/core';
import type { ArtifactInfo, InstanceRow, RunDetail, RunRow, RunsPage, RunSummary } from '../shared/api-types.js';
import { differingKeys, flattenParams } from '../shared/params.js';

/** Instances whose record.json is read for timings; beyond this the Gantt is estimated from the DAG. */
const MAX_RECORDS = 2_000;
/** Artifacts listed on a run page (a 10,000-instance fan lists the first ones). */
const MAX_ARTIFACTS = 500;

type EntryWithMetrics = ActionEntry & { metrics?: Record<string, number> };

/** The runs list: every run, newest first, with the params that differ between them. */
export async function runsPage(aero: Aero, only?: Set<string>): Promise<RunsPage> {
  const { listRuns } = await import('@aeroml/core');
  const runs = (await listRuns(aero)).filter((r) => !only || only.has(r.id));
  const flat = runs.map((r) => flattenParams(r.params));
  const paramKeys = differingKeys(flat);
  const rows: RunRow[] = runs.map((r, i) => ({
    ...runSummary(r),
    counts: { ...r.counts },
    actions: r.actions.length,
    params: Object.fromEntries(paramKeys.map((k) => [k, flat[i]![k]])),
    metrics: lastMetrics(r),
  }));
  return { project: aero.project, runs: rows, paramKeys, live: runs.some((r) => r.status === 'running') };
}

/** What the runs list and a run's page both show of a run. */
function runSummary(run: RunRecord): RunSummary {
  return { id: run.id, name: run.name, status: run.status, startedAt: run.startedAt, durationMs: run.durationMs ?? null, sweepId: run.sweepId ?? null };
}

/** One metric's last value as the run record keeps it, and the key the pages show it under. */
export interface LastMetric {
  key: string;
  instance: string;
  name: string;
  /** `null` when the value was NaN or ±Infinity: the run record is JSON, which has no such number. */
  value: number | null;
}

/** Each metric's last value in a run; keyed `instance/metric` when several instances log one name. */
export function lastMetricEntries(run: RunRecord): LastMetric[] {
  const byName = new Map<string, Array<[string, number | null]>>();
  for (const a of run.actions as EntryWithMetrics[]) {
    for (const [name, value] of Object.entries(a.metrics ?? {})) {
      const list = byName.get(name) ?? [];
      list.push([a.id, value]);
      byName.set(name, list);
    }
  }
  const out: LastMetric[] = [];
  for (const [name, list] of byName) {
    for (const [instance, value] of list) out.push({ key: list.length === 1 ? name : `${instance}/${name}`, instance, name, value });
  }
  return out;
}

/** Each metric's last value in a run (see lastMetricEntries), as `key → value`. */
export function lastMetrics(run: RunRecord): Record<string, number | null> {
  return Object.fromEntries(lastMetricEntries(run).map((m) => [m.key, m.value]));
}

export async function runDetail(aero: Aero, ref: string): Promise<RunDetail> {
  const { getRun, readSnapshot } = await import('@aeroml/core');
  const run = await getRun(aero, ref);
  const snapshot = await readSnapshot(aero, run);
  const edges = runEdges(run);
  const records = await instanceRecords(aero, run);
  const instances = timeline(run, edges, records);
  return {
    ...runSummary(run),
    finishedAt: run.finishedAt ?? null,
    git: { commit: run.git.commit, dirty: run.git.dirty, branch: run.git.branch },
    launcher: run.launcher,
    dev: run.dev,
    host: run.host,
    overrides: run.overrides,
    params: run.params,
    config: snapshot.config ?? null,
    sources: Object.keys(snapshot.sources).sort(),
    instances,
    edges,
    artifacts: await runArtifacts(aero, run),
  };
}

/** Producer → consumer pairs: an instance consumed a digest another instance of the run output. */
export function runEdges(run: RunRecord): Array<[string, string]> {
  const producers = new Map<string, string[]>();
  for (const a of run.actions) for (const d of Object.values(a.outputs ?? {})) producers.set(d, [...(producers.get(d) ?? []), a.id]);
  const edges = new Set<string>();
  const out: Array<[string, string]> = [];
  for (const a of run.actions) {
    for (const digests of Object.values(a.inputs ?? {})) {
      for (const d of digests) {
        for (const p of producers.get(d) ?? []) {
          const k = `${p}\u0000${a.id}`;
          if (p !== a.id && !edges.has(k)) {
            edges.add(k);
            out.push([p, a.id]);
          }
        }
      }
    }
  }
  return out;
}

interface InstanceRecord {
  finishedAt?: string;
  durationMs?: number;
}

/** record.json of the instances that have one (those that ran with a log, metrics or an error). */
async function instanceRecords(aero: Aero, run: RunRecord): Promise<Map<string, InstanceRecord>> {
  const { StoreKeys, instanceDirName } = await import('@aeroml/core');
  const out = new Map<string, InstanceRecord>();
  const wanted = run.actions.filter((a) => a.status !== 'cached' && a.status !== 'pending').slice(0, MAX_RECORDS);
  await Promise.all(
    wanted.map(async (a) => {
      const bytes = await aero.plugins.store.getBytes(StoreKeys.instanceRecord(run.id, instanceDirName(a.id)));
      if (!bytes) return;
      try {
        out.set(a.id, JSON.parse(Buffer.from(bytes).toString('utf8')) as InstanceRecord);
      } catch {
        // a record being rewritten: its timings are estimated this time
      }
    }),
  );
  return out;
}

/**
 * Start and end of each instance, in ms after the run started. Recorded ones come from
 * their finish time and duration; the rest start when the last of their producers ended
 * (the earliest the scheduler could have started them), marked `estimated`.
 */
function timeline(run: RunRecord, edges: Array<[string, string]>, records: Map<string, InstanceRecord>): InstanceRow[] {
  const t0 = Date.parse(run.startedAt);
  const deps = new Map<string, string[]>();
  for (const [p, c] of edges) deps.set(c, [...(deps.get(c) ?? []), p]);
  const ends = new Map<string, number>();
  const rows: InstanceRow[] = [];
  // run.actions is in plan (topological) order, so producers come first.
  for (const a of run.actions as EntryWithMetrics[]) {
    const rec = records.get(a.id);
    const duration = a.durationMs ?? rec?.durationMs ?? null;
    let start: number | null = null;
    let end: number | null = null;
    let estimated = false;
    if (rec?.finishedAt && duration !== null && Number.isFinite(t0)) {
      end = Math.max(0, Date.parse(rec.finishedAt) - t0);
      start = Math.max(0, end - duration);
    } else if (duration !== null) {
      start = Math.max(0, ...(deps.get(a.id) ?? []).map((d) => ends.get(d) ?? 0));
      end = start + duration;
      estimated = true;
    }
    if (end !== null) ends.set(a.id, end);
    rows.push({
      id: a.id,
      action: a.action,
      status: a.status,
      durationMs: duration,
      start,
      end,
      estimated,
      outputs: { ...(a.outputs ?? {}) },
      error: a.error ? `${a.error.code}: ${a.error.message}` : null,
      reason: a.reason ?? null,
      hasLog: records.has(a.id),
      metrics: { ...(a.metrics ?? {}) },
    });
  }
  return rows;
}

async function runArtifacts(aero: Aero, run: RunRecord): Promise<ArtifactInfo[]> {
  const wanted: Array<{ name: string; digest: string; producer: string }> = [];
  for (const a of run.actions) for (const [output, digest] of Object.entries(a.outputs ?? {})) wanted.push({ name: `${a.action}.${output}`, digest, producer: a.id });
  const out = await Promise.all(
    wanted.slice(0, MAX_ARTIFACTS).map(async (w): Promise<ArtifactInfo | undefined> => {
      try {
        const m = await aero.artifacts.getManifest(w.name, w.digest);
        return { name: w.name, digest: w.digest, handler: m.handler, producer: w.producer, files: m.files.map((f) => ({ path: f.path, size: f.size })), metadata: m.metadata ?? {} };
      } catch {
        return undefined; // removed by `aero gc`
      }
    }),
  );
  return out.filter((a): a is ArtifactInfo => a !== undefined);
}
