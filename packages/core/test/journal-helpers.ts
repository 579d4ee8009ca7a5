import { formatSegment, isSegmentKey, parseSegment } from '../src/run/journal.js';
import type { CacheEntry } from '../src/index.js';

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
