import type { Store } from '../contracts/store.js';
import type { RunRecord } from '../runs.js';
import { isSegmentKey, journalPrefix, parseSegment } from '../run/journal.js';

/**
 * A run whose process died (kill -9, a lost machine) stopped updating its run.json: the
 * record may still say every instance is pending and that nothing ran, though its journal
 * holds the cache entries of the instances it finished (what its next run reuses). This
 * folds those entries into the record as it is read, so `aero ps` and `aero show` say what
 * the run did: a pending instance with an entry ran (with its outputs); the others stay
 * pending. Nothing is written back.
 */
export async function foldJournalInto(store: Store, record: RunRecord): Promise<void> {
  const finished = new Map<string, { cacheKey: string; outputs: Record<string, string> }>();
  for await (const key of store.list(journalPrefix(record.id))) {
    if (!isSegmentKey(key)) continue;
    // A damaged segment (the write the kill cut short) holds nothing the next run reuses either.
    for (const r of parseSegment(await store.getBytes(key).catch(() => null)) ?? []) {
      if (r.type !== 'entry' || r.entry.runId !== record.id) continue;
      const outputs: Record<string, string> = {};
      for (const [name, out] of Object.entries(r.entry.outputs)) outputs[name] = out.digest;
      finished.set(r.entry.instanceId, { cacheKey: r.entry.key, outputs });
    }
  }
  for (const action of record.actions) {
    const done = finished.get(action.id);
    if (!done || action.status !== 'pending') continue;
    action.status = 'ran';
    action.cacheKey = done.cacheKey;
    action.outputs = done.outputs;
  }
  const counts = { ran: 0, cached: 0, failed: 0, skipped: 0, interrupted: 0 };
  for (const action of record.actions) if (action.status !== 'pending') counts[action.status] += 1;
  // The checkpointed counts may know of instances the actions list does not (an older
  // writer); a record cut short before its first checkpoint may have none.
  const checkpointed: Partial<RunRecord['counts']> = record.counts ?? {};
  for (const status of Object.keys(counts) as Array<keyof typeof counts>) counts[status] = Math.max(checkpointed[status] ?? 0, counts[status]);
  record.counts = counts;
}
