import type { ArtifactManifest } from '../contracts/artifact.js';
import type { Store } from '../contracts/store.js';
import { digestOf } from '../hash.js';
import { StoreKeys } from '../keys.js';
import { isSegmentKey, parseSegment } from '../run/journal.js';
import type { CacheEntry } from '../runs.js';

/** A cache entry and where it was read from (the witness of a hit). */
export interface FoundEntry {
  entry?: CacheEntry;
  /** Manifests journaled with the entry (digest → manifest), each checked against its digest. */
  manifests?: Record<string, ArtifactManifest>;
  /** The journal segment holding the entry; undefined for a store-era `cache/<key>.json` entry. */
  journal?: string;
  /** The key has a `cache/<key>.json` file that cannot be parsed. */
  unreadable?: boolean;
}

/**
 * The cache index: cache key → entry, derived from every run journal in the store
 * (run/journal.ts) and rebuilt from them whenever it is loaded; nothing else writes it.
 * Stores written before journals keep their entries as `cache/<key>.json` files: those
 * are still read (listed once, read on demand), so an older store needs no migration.
 *
 * Segments whose checksum does not match are skipped: their instances are misses and
 * run again. Where several runs journaled the same key (`--force`), the newest entry wins.
 */
export class CacheEntryIndex {
  private constructor(
    private readonly store: Store,
    private readonly byKey: Map<string, { entry: CacheEntry; journal?: string; manifests?: Record<string, ArtifactManifest> }>,
    private readonly legacy: Set<string>,
    /** Every manifest journaled with an entry, by digest (see JournalRecord). */
    private readonly journaledManifests: Map<string, ArtifactManifest>,
    /** Segments that could not be read or did not match their checksum. */
    readonly damaged: string[],
  ) {}

  static async load(store: Store): Promise<CacheEntryIndex> {
    const segments: string[] = [];
    const legacy = new Set<string>();
    for await (const key of store.list(StoreKeys.runsPrefix)) if (isSegmentKey(key)) segments.push(key);
    for await (const key of store.list('cache/')) {
      if (!key.startsWith('cache/packs/') && key.endsWith('.json')) legacy.add(key.slice('cache/'.length, -'.json'.length));
    }
    const byKey = new Map<string, { entry: CacheEntry; journal?: string; manifests?: Record<string, ArtifactManifest> }>();
    const manifests = new Map<string, ArtifactManifest>();
    const damaged: string[] = [];
    const read = await Promise.all(segments.map(async (key) => ({ key, records: parseSegment(await store.getBytes(key)) })));
    for (const { key, records } of read) {
      if (!records) {
        damaged.push(key);
        continue;
      }
      for (const r of records) {
        if (r.type !== 'entry' || !r.entry?.key || !r.entry.outputs) continue;
        const embedded = checkedManifests(r.manifests);
        for (const [digest, manifest] of Object.entries(embedded ?? {})) manifests.set(digest, manifest);
        const known = byKey.get(r.entry.key);
        if (!known || known.entry.createdAt <= r.entry.createdAt) byKey.set(r.entry.key, { entry: r.entry, journal: key, ...(embedded ? { manifests: embedded } : {}) });
      }
    }
    return new CacheEntryIndex(store, byKey, legacy, manifests, damaged.sort());
  }

  /** An entry this process journaled (or is about to): later lookups in this process see it. */
  add(entry: CacheEntry, journal?: string, manifests?: Record<string, ArtifactManifest>): void {
    this.byKey.set(entry.key, { entry, ...(journal ? { journal } : {}), ...(manifests ? { manifests } : {}) });
    for (const [digest, manifest] of Object.entries(manifests ?? {})) this.journaledManifests.set(digest, manifest);
  }

  /** A manifest journaled with some entry (not one stored as a file), or undefined. */
  manifest(digest: string): ArtifactManifest | undefined {
    return this.journaledManifests.get(digest);
  }

  /** Every journaled manifest, by digest. */
  manifests(): ReadonlyMap<string, ArtifactManifest> {
    return this.journaledManifests;
  }

  /** The entry of `key`, from a journal, else from a `cache/<key>.json` of an older store. */
  async get(key: string): Promise<FoundEntry> {
    const journaled = this.byKey.get(key);
    if (journaled) return journaled;
    if (!this.legacy.has(key)) return {};
    return readEntryFile(this.store, key);
  }

  /** Every entry: journaled ones, then those of `cache/<key>.json` files. */
  async all(): Promise<CacheEntry[]> {
    const out = [...this.byKey.values()].map((v) => v.entry);
    for (const key of this.legacy) {
      if (this.byKey.has(key)) continue;
      const { entry } = await this.get(key);
      if (entry) out.push(entry);
    }
    return out;
  }
}

/**
 * The journaled manifests that match their digests. The segment's checksum already
 * guards the bytes; this also refuses a record whose writer put a manifest under a wrong
 * digest, which would otherwise be served as that artifact.
 */
export function checkedManifests(manifests: Record<string, ArtifactManifest> | undefined): Record<string, ArtifactManifest> | undefined {
  if (!manifests || typeof manifests !== 'object') return undefined;
  let out: Record<string, ArtifactManifest> | undefined;
  for (const [digest, manifest] of Object.entries(manifests)) {
    if (!manifest || !Array.isArray(manifest.files) || digestOf(manifest) !== digest) continue;
    // Null prototype: a dictionary from the start (see ArtifactStore.deferredManifests).
    (out ??= Object.create(null) as Record<string, ArtifactManifest>)[digest] = manifest;
  }
  return out;
}

/** The entry of `key` from its `cache/<key>.json` file (stores written before journals). */
export async function readEntryFile(store: Store, key: string): Promise<FoundEntry> {
  const bytes = await store.getBytes(StoreKeys.cacheEntry(key));
  if (!bytes) return {};
  try {
    const entry = JSON.parse(Buffer.from(bytes).toString('utf8')) as CacheEntry;
    if (!entry || typeof entry.outputs !== 'object' || entry.outputs === null) throw new Error('no outputs');
    return { entry };
  } catch {
    return { unreadable: true };
  }
}
