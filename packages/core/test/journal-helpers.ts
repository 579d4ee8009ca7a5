import { formatSegment, isSegmentKey, parseSegment } from '../src/run/journal.js';
import { canonicalJson } from '../src/hash.js';
import { StoreKeys } from '../src/keys.js';
import type { ArtifactManifest, CacheEntry, Store } from '../src/index.js';

type DataStore = { data: Map<string, Buffer> };

/** Every cache entry in the store's run journals, with the segment that holds it. */
export function journalEntries(store: DataStore): Array<{ segment: string; entry: CacheEntry }> {
  const out: Array<{ segment: string; entry: CacheEntry }> = [];
  for (const [key, bytes] of store.data) {
    if (!isSegmentKey(key)) continue;
    for (const r of parseSegment(bytes) ?? []) if (r.type === 'entry') out.push({ segment: key, entry: r.entry });
  }
  return out;
}

/** The newest journaled entry of an instance. */
export function entryOf(store: DataStore, instanceId: string): { segment: string; entry: CacheEntry } {
  const found = journalEntries(store).filter((e) => e.entry.instanceId === instanceId).sort((a, b) => (a.entry.createdAt < b.entry.createdAt ? 1 : -1));
  if (!found[0]) throw new Error(`no journaled entry for ${instanceId}`);
  return found[0];
}

/** Removes the entry of `key` from every journal segment (rewritten whole, as gc does). */
export function dropEntry(store: DataStore, key: string): void {
  for (const [segment, bytes] of [...store.data]) {
    if (!isSegmentKey(segment)) continue;
    const records = parseSegment(bytes) ?? [];
    const kept = records.filter((r) => r.type !== 'entry' || r.entry.key !== key);
    if (kept.length !== records.length) store.data.set(segment, Buffer.from(formatSegment(kept)));
  }
}

/** The manifest journaled with some entry under `digest`, if any. */
export function journaledManifest(store: DataStore, digest: string): ArtifactManifest | undefined {
  for (const [key, bytes] of store.data) {
    if (!isSegmentKey(key)) continue;
    for (const r of parseSegment(bytes) ?? []) if (r.manifests?.[digest]) return r.manifests[digest];
  }
  return undefined;
}

/**
 * Moves every journaled manifest into a file `artifacts/<name>/<digest>.json`, the layout of
 * manifests written by a worker in another process or by aero before manifests were
 * journaled; the segments are rewritten without them.
 */
export async function manifestsToFiles(store: Store): Promise<void> {
  const segments: string[] = [];
  for await (const key of store.list('runs/')) if (isSegmentKey(key)) segments.push(key);
  for (const segment of segments) {
    const records = parseSegment(await store.getBytes(segment)) ?? [];
    for (const r of records) {
      for (const [digest, manifest] of Object.entries(r.manifests ?? {})) await store.put(StoreKeys.manifest(manifest.name, digest), canonicalJson(manifest));
      delete r.manifests;
    }
    await store.put(segment, formatSegment(records));
  }
}
