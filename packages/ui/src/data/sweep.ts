import type { ActionEntry, Aero, CacheEntry, RunRecord } from '@aeroml/core';
import type { SweepPage } from '../shared/api-types.js';
import { differingKeys, flattenParams } from '../shared/params.js';
import { lastMetricEntries } from './runs.js';
import { nonFiniteLast } from './sweep-non-finite.js';

type EntryWithMetrics = ActionEntry & { metrics?: Record<string, number> };

/** The trials of a sweep (`aero run -m`, `aero tune`): the params that vary and each trial's final metrics. */
export async function sweepPage(aero: Aero, sweepId: string): Promise<SweepPage> {
  const { listRuns, AeroError, ErrorCodes } = await import('@aeroml/core');
  const all = await listRuns(aero);
  const runs = all.filter((r) => r.sweepId === sweepId).reverse();
  if (runs.length === 0) {
    throw new AeroError(ErrorCodes.RUN_NOT_FOUND, `No run belongs to sweep \`${sweepId}\`.`, { hint: 'List sweeps with `aero ps`; a sweep is started with `aero run -m key=a,b`.' });
  }
  const producers = await cacheProducers(aero, runs);
  const byId = new Map(all.map((r) => [r.id, r]));
  const flat = runs.map((r) => flattenParams(r.params));
  const paramKeys = differingKeys(flat);
  const trials = await Promise.all(
    runs.map(async (r, i) => {
      const last = lastMetricEntries(withProducerMetrics(r, producers, byId));
      const metrics = Object.fromEntries(last.map((m) => [m.key, m.value]));
      return { id: r.id, name: r.name, status: r.status, params: Object.fromEntries(paramKeys.map((k) => [k, flat[i]![k]])), metrics, nonFinite: await nonFiniteLast(aero, r, last, producers, byId) };
    }),
  );
  const metricKeys = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))].sort();
  return { id: sweepId, trials, paramKeys, metricKeys };
}

/** The cache keys of the runs' cached instances (which log nothing in their own run). */
function cachedKeys(runs: RunRecord[]): string[] {
  const keys = new Set<string>();
  for (const r of runs) for (const a of r.actions as EntryWithMetrics[]) if (a.status === 'cached' && a.cacheKey && !a.metrics) keys.add(a.cacheKey);
  return [...keys];
}

/**
 * The cache entry (which names the run and instance that produced the result) of each
 * cached instance of `runs`, found as `aero tune` finds a cached trial's producer:
 * `aero.lookupCache`. The server's Aero reads the cache index once; a key it lacks was
 * written by a run since (`aero run` in another terminal), so the index is read again,
 * once per page, for the keys it did not find.
 */
async function cacheProducers(aero: Aero, runs: RunRecord[]): Promise<Map<string, CacheEntry>> {
  const found = new Map<string, CacheEntry>();
  const lookUp = async (keys: string[]) => {
    const hits = await Promise.all(keys.map((k) => aero.lookupCache(k)));
    keys.forEach((k, i) => {
      if (hits[i]) found.set(k, hits[i]);
    });
    return keys.filter((k) => !found.has(k));
  };
  const missing = await lookUp(cachedKeys(runs));
  if (missing.length > 0) {
    await aero.cacheEntries({ reload: true });
    await lookUp(missing);
  }
  return found;
}

/**
 * `run` with each cached instance's metrics taken from the run that produced its result
 * (the last values that run recorded for the instance), as docs/guides/tuning.md reads
 * a cached trial's objective. Instances whose producer is gone keep none.
 */
function withProducerMetrics(run: RunRecord, producers: Map<string, CacheEntry>, runs: Map<string, RunRecord>): RunRecord {
  const actions = (run.actions as EntryWithMetrics[]).map((a) => {
    const hit = a.status === 'cached' && a.cacheKey && !a.metrics ? producers.get(a.cacheKey) : undefined;
    const producer = hit ? (runs.get(hit.runId)?.actions as EntryWithMetrics[] | undefined)?.find((p) => p.id === hit.instanceId) : undefined;
    return producer?.metrics ? { ...a, metrics: producer.metrics } : a;
  });
  return { ...run, actions };
}
