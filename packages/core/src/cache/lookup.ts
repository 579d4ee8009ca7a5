import type { ArtifactStore } from '../artifacts.js';
import type { Store } from '../contracts/store.js';
import { StoreKeys } from '../keys.js';
import { checkCacheKey, isHit } from './backing.js';
import type { CacheEntryIndex } from './entries.js';
import { PackLookup, deletePacks, writePack, type CachePack, type PackedHit } from './pack.js';

/** The outcome of a lookup: a hit, or why a key the store knew is not one. */
export interface LookupResult {
  hit?: PackedHit;
  /** Why a key the store knew is not a hit (its entry, a manifest or a blob is gone). */
  unbacked?: string;
}

/**
 * The cache as one run sees it: the newest cache pack (loaded once) in front of the cache
 * index (every run journal, cache/entries.ts, loaded on the first key the pack does not
 * answer), and at the end a new pack of every hit the run saw or made.
 */
export class RunCache {
  private pack: Promise<PackLookup | undefined> | undefined;
  /** Lookups the loaded pack answered. */
  private packHits = 0;

  constructor(
    private readonly store: Store,
    private readonly artifacts: ArtifactStore,
    private readonly index: () => Promise<CacheEntryIndex>,
  ) {}

  /** `--force`: forced instances journal new entries, so no pack may keep the old outputs. */
  async dropPacks(): Promise<void> {
    await deletePacks(this.store);
    // A load already under way is not this run's pack any more (see packLookup).
    this.pack = Promise.resolve(undefined);
    this.loaded = undefined;
  }

  /**
   * Starts loading the pack now, so its reads overlap the run's own start (git, run record,
   * snapshot, trackers) instead of waiting for the first lookup.
   */
  prefetch(): void {
    void this.packLookup();
  }

  /** The newest cache pack, loaded once per run; a pack that cannot be read is no pack. */
  private packLookup(): Promise<PackLookup | undefined> {
    if (this.pack) return this.pack;
    const loading: Promise<PackLookup | undefined> = PackLookup.load(this.store, (digest, manifest) => this.artifacts.remember(digest, manifest)).then(
      // Only while it is still the run's pack: `dropPacks` may have replaced it meanwhile.
      (loaded) => (this.pack === loading ? (this.loaded = loaded) : undefined),
      () => undefined,
    );
    this.pack = loading;
    return loading;
  }

  /** The pack once loaded, for lookups that need no await. */
  private loaded: PackLookup | undefined;

  /**
   * The hit for `key` when the loaded pack serves it, at once; undefined when the pack is
   * not loaded yet or does not serve the key (then `lookup` answers, with I/O).
   */
  packed(key: string): LookupResult | undefined {
    const packed = this.loaded?.get(key);
    if (!packed) return undefined;
    this.packHits++;
    return { hit: packed };
  }

  async lookup(key: string): Promise<LookupResult> {
    // Once the load settles, `loaded` is the pack it gave (see packLookup).
    const pack = await this.packLookup();
    const packed = this.packed(key);
    if (packed) return packed;
    const backing = await checkCacheKey(this.store, this.artifacts, key, await this.index());
    if (isHit(backing)) {
      const { outputs, runId, instanceId } = backing.entry;
      return {
        hit: {
          outputs,
          runId,
          instanceId,
          ...(backing.journal ? { journal: backing.journal } : {}),
          ...(backing.journal && backing.manifestsJournaled ? { manifestsJournaled: true as const } : {}),
        },
      };
    }
    if (backing.problems.length > 0) return { unbacked: backing.problems.join('; ') };
    if (pack?.lists(key)) return { unbacked: `its cache entry is missing from the store (a cache pack lists key ${key.slice(0, 12)}, but a pack alone is no hit)` };
    return {};
  }

  /**
   * Every hit this run saw or made, for the next run to read in one go (see pack.ts).
   * `hits`: cache key → the hit, for every instance with outputs, each naming the journal
   * segment of its entry (a hit whose entry has no readable witness is left out);
   * `total`: instances in the run; `selection`: the run covered a selection (`--only`), so
   * the hits of the pack it read that it did not see are kept for a later full run.
   * `segmentChecksum`: the checksum of a journal segment this run wrote; with those the
   * loaded pack verified, they go into the pack so the next run need not parse the segments.
   */
  async save(runId: string, hits: Iterable<[string, PackedHit]>, total: number, selection: boolean, segmentChecksum: (segment: string) => string | undefined = () => undefined): Promise<void> {
    const loaded = await this.pack;
    // A rerun served wholly by the newest pack, which holds nothing else, would write the
    // same pack again: keep it.
    if (loaded && this.packHits === total && loaded.size === this.packHits) return;
    const pack: CachePack = { schema: 1, runId, hits: {}, manifests: {} };
    const seen = new Set<string>();
    for (const [key, hit] of hits) {
      for (const o of Object.values(hit.outputs)) pack.manifests[o.digest] ??= await this.artifacts.getManifest(o.name, o.digest);
      pack.hits[key] = hit;
      seen.add(key);
    }
    if (loaded && selection) loaded.carryOver(pack);
    if (Object.keys(pack.hits).length === 0) return;
    // A segment's checksum vouches for every hit citing it, so it is recorded only when each
    // of them was checked against that segment in this run (produced, or served after its
    // witness). A hit carried over unseen was not: the segment may have lost its entry since.
    const segments: Record<string, string> = {};
    const unvouched = new Set<string>();
    for (const [key, hit] of Object.entries(pack.hits)) {
      if (!hit.journal) continue;
      const checksum = seen.has(key) ? (segmentChecksum(hit.journal) ?? loaded?.checksumOf(hit.journal)) : undefined;
      if (checksum === undefined) unvouched.add(hit.journal);
      else segments[hit.journal] ??= checksum;
    }
    for (const segment of unvouched) delete segments[segment];
    if (Object.keys(segments).length > 0) pack.segments = segments;
    await writePack(this.store, pack);
  }
}
