import type { CacheBacking } from './backing.js';
import { describeChange } from './change.js';
import { readNewestPack } from './pack.js';
import type { PlannedInstance } from '../plan-types.js';
import type { AeroProject } from '../project.js';
import type { CacheComponents, CacheEntry, RunRecord } from '../runs.js';

/**
 * The sentences `aero why` (and a dry run) give for an instance that is not a cache hit:
 * every cause, not the first one found. Two kinds of cause add up: what changed in the
 * key since the newest run that recorded the instance, and what the store lacks for the
 * current key (a missing entry, manifest or blob, a quarantined blob).
 *
 * Comparisons are made against the newest run only. Falling back to an older run whose
 * entry still exists would name a change that is not the reason any more (the stale
 * cause this replaced).
 */
export async function explainMiss(aero: AeroProject, inst: PlannedInstance, key: string, components: CacheComponents, backing: CacheBacking, runs: RunRecord[]): Promise<string[]> {
  const last = lastRecorded(inst.id, runs);
  const reasons: string[] = [];
  if (last && last.cacheKey !== key) reasons.push(...(await changesSince(aero, last, key, components)));
  let unbacked = backing.problems.length > 0;
  reasons.push(...backing.problems);
  if (!backing.entry && backing.problems.length === 0 && last?.cacheKey === key) {
    const packed = (await readNewestPack(aero.plugins.store).catch(() => undefined))?.hits[key] !== undefined;
    reasons.push(`its cache entry (key ${key.slice(0, 12)}, used by run ${last.runId}) is missing from the store${packed ? ' (a cache pack still lists the key, but a pack alone is no hit)' : ''}`);
    unbacked = true;
  }
  if (unbacked) reasons.push('the next run reruns it and rewrites what is missing');
  if (reasons.length === 0) reasons.push(last ? 'its last outputs are no longer in the store' : 'it has never run');
  return reasons;
}

/**
 * What changed in an instance's own part of the key (code, params, output paths and
 * handlers) since the newest run that recorded it, whatever its inputs will be: for an
 * instance whose upstream must run first, so its input digests are not known yet.
 */
export async function ownChanges(aero: AeroProject, inst: PlannedInstance, runs: RunRecord[]): Promise<string[]> {
  const last = lastRecorded(inst.id, runs);
  if (!last) return ['it has never run'];
  const before = await readEntry(aero, last.cacheKey);
  if (!before) return [];
  const now = await aero.cacheComponents(inst, {});
  return describeChange({ ...before.components, inputs: {} }, { ...now, inputs: {} });
}

/** The newest run's record of this instance (ran or served from cache), with its key. */
function lastRecorded(instanceId: string, runs: RunRecord[]): { runId: string; cacheKey: string } | undefined {
  return recordedIndex(runs).get(instanceId);
}

/**
 * Instance id → its newest record, built once per list of runs: a dry run asks for every
 * instance, and a scan of every run's actions per instance was quadratic (10^10 steps for
 * 100,000 actions with one earlier run). Run lists are not changed after they are read.
 */
const recordedIndexes = new WeakMap<RunRecord[], Map<string, { runId: string; cacheKey: string }>>();

function recordedIndex(runs: RunRecord[]): Map<string, { runId: string; cacheKey: string }> {
  let index = recordedIndexes.get(runs);
  if (index) return index;
  index = new Map();
  // Newest run first, and within a run its first matching entry, as a scan would find them.
  for (const run of runs) {
    for (const a of run.actions) {
      if (a.cacheKey && (a.status === 'ran' || a.status === 'cached') && !index.has(a.id)) index.set(a.id, { runId: run.id, cacheKey: a.cacheKey });
    }
  }
  recordedIndexes.set(runs, index);
  return index;
}

async function changesSince(aero: AeroProject, last: { runId: string; cacheKey: string }, key: string, components: CacheComponents): Promise<string[]> {
  const before = await readEntry(aero, last.cacheKey);
  if (!before) {
    return [`its cache key changed since run ${last.runId} (${last.cacheKey.slice(0, 12)} → ${key.slice(0, 12)}); that key's cache entry is gone, so which part changed cannot be named`];
  }
  const changes = describeChange(before.components, components);
  return changes.length > 0 ? changes : [`its cache key changed since run ${last.runId} (${last.cacheKey.slice(0, 12)} → ${key.slice(0, 12)})`];
}

async function readEntry(aero: AeroProject, key: string): Promise<CacheEntry | undefined> {
  const { entry } = await (await aero.cacheEntries()).get(key);
  return entry?.components ? entry : undefined;
}
