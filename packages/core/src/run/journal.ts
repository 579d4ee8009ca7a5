import type { ArtifactManifest } from '../contracts/artifact.js';
import type { Store } from '../contracts/store.js';
import { checksumOf, checksummed, verified } from '../checksummed.js';
import type { CacheEntry } from '../runs.js';

/**
 * The run journal: what a run learns about the cache, appended in batches (group commit)
 * instead of one small file per instance. A journal is a folder of segments,
 * `runs/<run-id>/journal/<seq>.jsonl`, each written whole by one atomic `put` — one file
 * (one object on S3, one fsync with `durable: true`) per batch, never a torn one.
 *
 * Segment format: the first line is the sha256 (hex) of the rest; the rest is one JSON
 * record per line (UTF-8 text, the same checksummed framing as cache packs). A segment
 * whose checksum does not match is ignored as a whole: its instances run again.
 *
 * Group commit: a record that arrives while the journal is idle is written on the next
 * tick (with whatever arrived in the same tick); records that arrive soon after a write
 * wait until `maxDelayMs` after that write began, so a burst of instances shares one
 * segment per `maxDelayMs` (50 ms locally, 500 ms on a remote store) or per `maxRecords`,
 * while a lone slow action's entry is in the store at once. The rest is written when the run ends or is interrupted. A crash (kill -9)
 * loses at most the batch not yet written: those instances run again next time, with the
 * same digests, because their blobs were committed before their entry, and their manifests
 * are in the entry's own record (or, from workers in other processes, files written before).
 */
export type JournalRecord = {
  type: 'entry';
  entry: CacheEntry;
  /**
   * Artifact digest → manifest, for the entry's outputs whose manifests live here and not
   * as `artifacts/<name>/<digest>.json` files (outputs committed in this process; see
   * ArtifactStore.commitDirectory's `defer`). In the same record as the entry, so the entry is never
   * in the store without them.
   */
  manifests?: Record<string, ArtifactManifest>;
};

/** Whether `manifests` (a record's) holds the manifest of every one of `outputs`: they then need no manifest files. */
export function holdsEveryManifest(outputs: CacheEntry['outputs'], manifests: Record<string, ArtifactManifest> | undefined): boolean {
  return Object.values(outputs).every((o) => manifests?.[o.digest] !== undefined);
}

export const JOURNAL_DIR = 'journal';

export const journalPrefix = (runId: string) => `runs/${runId}/${JOURNAL_DIR}/`;
export const segmentKey = (runId: string, seq: number) => `${journalPrefix(runId)}${String(seq).padStart(6, '0')}.jsonl`;

/** Whether a store key is a journal segment (`runs/<id>/journal/<seq>.jsonl`). */
export function isSegmentKey(key: string): boolean {
  const parts = key.split('/');
  return parts.length === 4 && parts[0] === 'runs' && parts[2] === JOURNAL_DIR && parts[3]!.endsWith('.jsonl');
}

export function formatSegment(records: readonly JournalRecord[]): string {
  return formatLines(records.map((r) => JSON.stringify(r)));
}

/** A segment from records already serialised (one JSON text each). */
function formatLines(lines: readonly string[]): string {
  return checksummed(lines.join('\n'));
}

/** The records of a segment, or undefined when it is missing, damaged or unreadable. */
export function parseSegment(bytes: Uint8Array | null): JournalRecord[] | undefined {
  const found = verified(bytes);
  return found && parseSegmentBody(found.body);
}

/** The records of a verified segment body (see checksummed.ts `verified`), or undefined when they are not JSON. */
export function parseSegmentBody(body: string): JournalRecord[] | undefined {
  try {
    return body === '' ? [] : body.split('\n').map((line) => JSON.parse(line) as JournalRecord);
  } catch {
    return undefined;
  }
}

export interface JournalOptions {
  /** Records per batch at most (default 4096). */
  maxRecords?: number;
  /**
   * Least time between the starts of two batch writes; see the module comment. Default:
   * 50 ms on a local store, 500 ms on a remote one (S3: a request per batch costs more, and
   * fewer, larger objects make a no-op rerun read fewer).
   */
  maxDelayMs?: number;
  /** Told when a batch could not be written (its instances then run again next time). */
  onError?: (error: unknown, records: number) => void;
}

/** Appends records to one run's journal in batches; see the module comment. */
export class RunJournal {
  private pending: JournalRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Batches are written one after the other, so segment numbers follow the order of records. */
  private writing: Promise<void> = Promise.resolve();
  private seq = 0;
  /** Cache key → the segment its entry went to (once written). */
  private readonly segments = new Map<string, string>();
  private readonly maxRecords: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly store: Store,
    readonly runId: string,
    private readonly options: JournalOptions = {},
  ) {
    this.maxRecords = options.maxRecords ?? 4096;
    this.maxDelayMs = options.maxDelayMs ?? (store.localRoot ? 50 : 500);
  }

  /** Adds a record to the current batch; it is written with the batch (see flush). */
  append(record: JournalRecord): void {
    this.pending.push(record);
    if (this.pending.length >= this.maxRecords) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), Math.max(0, this.lastStart + this.maxDelayMs - Date.now()));
      this.timer.unref();
    }
  }

  /** When the newest batch write began (0: none yet). */
  private lastStart = 0;

  /** Writes the current batch (if any) as the next segment; resolves when every batch so far is written. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.lastStart = Date.now();
      const key = segmentKey(this.runId, ++this.seq);
      this.writing = this.writing.then(async () => {
        try {
          const lines = batch.map((r) => JSON.stringify(r));
          const text = formatLines(lines);
          await this.store.put(key, text, { contentType: 'application/x-ndjson' });
          const entryKeys = batch.flatMap((r) => (r.type === 'entry' ? [r.entry.key] : []));
          for (const k of entryKeys) this.segments.set(k, key);
          this.checksums.set(key, checksumOf(text));
          this.written.push({ key, lines, entryKeys });
        } catch (error) {
          this.options.onError?.(error, batch.length);
        }
      });
    }
    return this.writing;
  }

  /** The segment holding the entry of `key`, once written by this journal. */
  segmentOf(key: string): string | undefined {
    return this.segments.get(key);
  }

  /** Segment key → the checksum of the segment as written (for cache packs, see cache/pack.ts). */
  private readonly checksums = new Map<string, string>();

  /** The checksum of a segment this journal wrote and has not removed. */
  checksumOf(segment: string): string | undefined {
    return this.checksums.get(segment);
  }

  /**
   * The segments this journal wrote, in order, with their records as written (for
   * `compact`, which joins them instead of serialising every record again).
   */
  private written: Array<{ key: string; lines: string[]; entryKeys: string[] }> = [];

  /**
   * At the end of a run: rewrites the run's segments as one (the next number), then removes
   * the others, so the next run's lookups read one object per run, not one per batch
   * written while it ran (on S3 a no-op rerun then reads O(1) objects). The new segment is
   * written whole before any old one goes: a crash in between leaves each entry in two
   * segments, which readers take as one (the same key, the same outputs). Nothing is removed
   * when the new segment cannot be written.
   */
  async compact(): Promise<void> {
    await this.flush();
    if (this.written.length < 2) return;
    const old = this.written;
    const lines = old.flatMap((segment) => segment.lines);
    const entryKeys = old.flatMap((segment) => segment.entryKeys);
    const key = segmentKey(this.runId, ++this.seq);
    const text = formatLines(lines);
    try {
      await this.store.put(key, text, { contentType: 'application/x-ndjson' });
    } catch {
      return; // the segments written so far stay: only speed is lost
    }
    this.written = [{ key, lines, entryKeys }];
    for (const k of entryKeys) this.segments.set(k, key);
    this.checksums.clear();
    this.checksums.set(key, checksumOf(text));
    await Promise.all(old.map((segment) => this.store.delete(segment.key).catch(() => undefined)));
  }
}
