import { join } from 'node:path';
import { PACKS_PREFIX, deletePacks } from '../cache/pack.js';
import { AeroError, ErrorCodes } from '../errors.js';
import { listTags } from '../reproduce/tag-store.js';
import { StoreKeys } from '../keys.js';
import type { AeroProject } from '../project.js';
import type { CacheEntry } from '../runs.js';
import { removeStaleScratch, runLiveness } from '../scratch.js';
import { formatSegment, isSegmentKey, parseSegment, type JournalRecord } from '../run/journal.js';
import { listRuns } from './runs.js';
import { readJson } from './store-json.js';

export interface GcReport {
  dryRun: boolean;
  removedBlobs: number;
  removedBytes: number;
  removedManifests: number;
  removedCacheEntries: number;
  /** Runs whose leftover work folder (`runs/<id>/.scratch`, from a killed run) was removed. */
  removedScratch: string[];
  storeHousekeeping: string[];
}

/**
 * Delete what no run references any more: keeps every artifact listed in the cache
 * entries referenced by the newest `keepRuns` runs (default: all runs), removes the rest.
 */
export async function gc(aero: AeroProject, options: { dryRun?: boolean; keepRuns?: number } = {}): Promise<GcReport> {
  const store = aero.plugins.store;
  const dryRun = Boolean(options.dryRun);
  const runs = await listRuns(aero);
  if (runs.some((r) => r.status === 'running')) {
    throw new AeroError(ErrorCodes.STORE_FAILED, 'A run is in progress; gc would race with it.', { hint: 'Wait for it to finish (see `aero ps`) and run `aero gc` again.' });
  }
  const kept = runs.slice(0, options.keepRuns ?? runs.length);
  const liveKeys = new Set<string>();
  for (const run of kept) for (const a of run.actions) if (a.cacheKey) liveKeys.add(a.cacheKey);
  // A run's journal holds the entries of the instances it finished, also those its run.json
  // never listed (a run killed with -9 before its next record write): they are its work.
  // A journal whose run has no readable record cannot be dated, so it is kept whole.
  const keptIds = new Set(kept.map((r) => r.id));
  const knownIds = new Set(runs.map((r) => r.id));
  const segments: Array<{ key: string; records: JournalRecord[] }> = [];
  for await (const key of store.list(StoreKeys.runsPrefix)) {
    if (!isSegmentKey(key)) continue;
    const records = parseSegment(await store.getBytes(key));
    if (!records) continue;
    segments.push({ key, records });
    const runId = key.split('/')[1]!;
    if (keptIds.has(runId) || !knownIds.has(runId)) for (const r of records) if (r.type === 'entry') liveKeys.add(r.entry.key);
  }
  const report: GcReport = { dryRun, removedBlobs: 0, removedBytes: 0, removedManifests: 0, removedCacheEntries: 0, removedScratch: [], storeHousekeeping: [] };
  report.removedScratch = await removeStaleScratch(join(aero.dir, 'runs'), runLiveness(store), { dryRun });
  const liveManifests = new Set<string>();
  const liveBlobs = new Set<string>();
  // Packs name artifacts that may be removed below; the next run writes a fresh one.
  if (!dryRun) await deletePacks(store);
  const liveEntries: CacheEntry[] = [];
  // Entries in files (stores written before run journals).
  for await (const key of store.list('cache/')) {
    if (key.startsWith(PACKS_PREFIX)) continue;
    const cacheKey = key.slice('cache/'.length, -'.json'.length);
    const entry = await readJson<CacheEntry>(aero.plugins.store, key);
    if (!entry || !liveKeys.has(cacheKey)) {
      report.removedCacheEntries++;
      if (!dryRun) await store.delete(key);
      continue;
    }
    liveEntries.push(entry);
  }
  // Entries in run journals: a segment loses the entries no kept run names (rewritten whole,
  // atomically), and goes when none is left.
  for (const { key: segment, records } of segments) {
    const kept = records.filter((r) => r.type !== 'entry' || liveKeys.has(r.entry.key));
    for (const r of kept) if (r.type === 'entry') liveEntries.push(r.entry);
    const removed = records.length - kept.length;
    if (removed === 0) continue;
    report.removedCacheEntries += removed;
    // Manifests journaled with a removed entry go with it (see run/journal.ts), unless the
    // version is also a file (a tagged one: aero tag writes it).
    for (const r of records) {
      if (r.type !== 'entry' || liveKeys.has(r.entry.key)) continue;
      for (const [digest, m] of Object.entries(r.manifests ?? {})) if (!(await store.has(StoreKeys.manifest(m.name, digest)))) report.removedManifests++;
    }
    if (dryRun) continue;
    if (kept.length === 0) await store.delete(segment);
    else await store.put(segment, formatSegment(kept), { contentType: 'application/x-ndjson' });
  }
  if (!dryRun) await aero.cacheEntries({ reload: true }).catch(() => undefined);
  for (const entry of liveEntries) {
    for (const o of Object.values(entry.outputs)) {
      liveManifests.add(StoreKeys.manifest(o.name, o.digest));
      try {
        const manifest = await aero.artifacts.getManifest(o.name, o.digest);
        for (const f of manifest.files) liveBlobs.add(StoreKeys.blob(f.sha256));
      } catch {
        // already gone: nothing to keep
      }
    }
  }
  // Tagged versions (aero tag) are kept whatever runs reference them: a tag names them for later.
  for (const tag of await listTags(store)) {
    for (const v of tag.versions) {
      liveManifests.add(StoreKeys.manifest(tag.artifact, v.digest));
      const manifest = await aero.artifacts.getManifest(tag.artifact, v.digest).catch(() => undefined);
      for (const f of manifest?.files ?? []) liveBlobs.add(StoreKeys.blob(f.sha256));
    }
  }
  for await (const key of store.list('artifacts/')) {
    if (liveManifests.has(key)) continue;
    report.removedManifests++;
    if (!dryRun) await store.delete(key);
  }
  for await (const key of store.list('objects/')) {
    if (liveBlobs.has(key)) continue;
    report.removedBlobs++;
    if (!dryRun) await store.delete(key);
  }
  if (store.gc) {
    const { removed } = await store.gc({ dryRun, olderThanMs: 24 * 3600_000 });
    report.storeHousekeeping = removed;
  }
  return report;
}
