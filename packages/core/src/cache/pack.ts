import type { ArtifactManifest } from '../contracts/artifact.js';
import type { Store } from '../contracts/store.js';
import { checksummed, verified, verifiedBody } from '../checksummed.js';
import { StoreKeys } from '../keys.js';
import { holdsEveryManifest, parseSegmentBody } from '../run/journal.js';
import type { CacheEntry } from '../runs.js';

/**
 * Cache packs: one file per finished run holding every cache hit that run saw or made,
 * with the manifests of their outputs. A rerun of the same pipeline reads one file
 * instead of a cache entry and a manifest per instance (20,000 small reads at 10,000
 * actions, which dominated no-op reruns, all the more on a cold page cache or S3).
 *
 * A pack only ever says "key K produced these outputs", which stays true: the entries in
 * the run journals (run/journal.ts; `cache/<key>.json` in stores written before them)
 * remain the source of truth, and each packed hit names the journal segment of its entry,
 * so a missing, old or unreadable pack only costs speed, and a packed hit whose entry,
 * manifest or blob is gone is no hit (see PackLookup). The cases where
 * a pack could name other outputs than the entry do not arise: a normal run writes an
 * entry only for a key that was not a usable hit, `--force` deletes the packs before it
 * overwrites entries, and `aero gc` deletes them with what they reference.
 *
 * Format: first line the sha256 of the rest, then JSON ({@link CachePack}). A pack whose
 * digest does not match is ignored. Packs are named by the time they were written, so the
 * newest one is the last name; older ones are removed when a newer one is written.
 */
export interface CachePack {
  schema: 1;
  runId: string;
  /** Cache key → what a lookup needs (not the key's components: `aero why` reads entries). */
  hits: Record<string, PackedHit>;
  /** Artifact digest → its manifest. */
  manifests: Record<string, ArtifactManifest>;
  /**
   * Journal segment → its checksum when the pack was written, for the segments whose
   * checksum the writer knew. A segment that still has it holds exactly the records the
   * pack was made from, so its hits are witnessed without parsing it (see journalWitnesses).
   */
  segments?: Record<string, string>;
}

export type PackedHit = Pick<CacheEntry, 'outputs' | 'runId' | 'instanceId'> & {
  /** The journal segment holding the key's entry (run/journal.ts); absent for a `cache/<key>.json` entry. */
  journal?: string;
  /** The entry's journal record holds the manifest of every output (they are not files). */
  manifestsJournaled?: true;
};

export const PACKS_PREFIX = 'cache/packs/';

/** Every pack key in the store, oldest first. */
export async function listPacks(store: Store): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(PACKS_PREFIX)) if (key.endsWith('.pack')) keys.push(key);
  return keys.sort();
}

/** The newest readable pack, or undefined. */
export async function readNewestPack(store: Store): Promise<CachePack | undefined> {
  const keys = await listPacks(store);
  for (let i = keys.length - 1; i >= 0; i--) {
    const pack = parsePack(await store.getBytes(keys[i]!));
    if (pack) return pack;
  }
  return undefined;
}

export function parsePack(bytes: Uint8Array | null): CachePack | undefined {
  const body = verifiedBody(bytes);
  if (body === undefined) return undefined;
  try {
    const pack = JSON.parse(body) as CachePack;
    return pack.schema === 1 && pack.hits && pack.manifests ? pack : undefined;
  } catch {
    return undefined;
  }
}

export function formatPack(pack: CachePack): string {
  return checksummed(JSON.stringify(pack));
}

/** Writes `pack` as the newest pack and removes the ones written before it. */
export async function writePack(store: Store, pack: CachePack): Promise<void> {
  const before = await listPacks(store);
  // Sortable by write time; the run id keeps two runs ending in the same millisecond apart.
  const key = `${PACKS_PREFIX}${new Date().toISOString().replace(/[-:.]/g, '')}-${pack.runId}.pack`;
  await store.put(key, formatPack(pack), { contentType: 'application/json' });
  for (const old of before) if (old < key) await store.delete(old);
}

/** Removes every pack (before `--force` overwrites entries, and in `aero gc`). */
export async function deletePacks(store: Store): Promise<number> {
  const keys = await listPacks(store);
  for (const key of keys) await store.delete(key);
  return keys.length;
}

/**
 * Every store key the pack's hits rely on, deduplicated: the per-key entries, the output
 * manifests and their blobs. A packed hit is served only while all of its keys exist.
 * Manifests in `journaled` were found in the journal record of their entry: no file to ask for.
 */
export function backingKeysOf(pack: CachePack, journaled: ReadonlySet<string> = new Set(), blobs: ReadonlySet<string> = blobsOf(pack)): string[] {
  const keys = new Set<string>();
  for (const key in pack.hits) if (!pack.hits[key]!.journal) keys.add(StoreKeys.cacheEntry(key));
  for (const digest in pack.manifests) if (!journaled.has(digest)) keys.add(StoreKeys.manifest(pack.manifests[digest]!.name, digest));
  for (const sha256 of blobs) keys.add(StoreKeys.blob(sha256));
  return [...keys];
}

/** The content digests of every file of the pack's manifests, each once (outputs often share content). */
function blobsOf(pack: CachePack): Set<string> {
  const blobs = new Set<string>();
  for (const manifest of Object.values(pack.manifests)) for (const f of manifest.files) blobs.add(f.sha256);
  return blobs;
}

/** Below this many keys under one prefix, asking per key costs less than listing the prefix. */
const LIST_THRESHOLD = 64;

/**
 * Which of `keys` exist, in as few requests as the store allows. A local store answers a
 * batch with a directory listing per folder (`hasMany`). A remote one (S3: a HEAD request
 * per key) gets the many entries and manifests of a pack by listing `cache/` and
 * `artifacts/` instead — a thousand keys per request — and the blobs by listing each shard
 * of `objects/` that holds several of them (a no-op rerun of 10,000 instances on S3: a few
 * hundred list requests instead of 10,000 HEADs).
 */
export async function presentKeys(store: Store, keys: string[], listThreshold = LIST_THRESHOLD): Promise<Set<string>> {
  const present = new Set<string>();
  let ask = keys;
  if (!store.localRoot) {
    ask = [];
    const groups = new Map<string, { keys: string[]; threshold: number }>([
      ['cache/', { keys: [], threshold: listThreshold }],
      ['artifacts/', { keys: [], threshold: listThreshold }],
    ]);
    // Blobs by shard (`objects/sha256/ab/`): a shard holds 1/256 of the store's blobs, so
    // listing it pays off already for a few keys in it.
    const shardThreshold = Math.max(2, Math.ceil(listThreshold / 16));
    for (const key of keys) {
      const top = key.slice(0, key.indexOf('/') + 1);
      const shard = top === 'objects/' ? key.slice(0, key.lastIndexOf('/') + 1) : undefined;
      const prefix = shard ?? top;
      let group = groups.get(prefix);
      if (!group && shard) groups.set(prefix, (group = { keys: [], threshold: shardThreshold }));
      (group?.keys ?? ask).push(key);
    }
    for (const [prefix, group] of groups) {
      if (group.keys.length < group.threshold) {
        ask.push(...group.keys);
        continue;
      }
      const listed = new Set<string>();
      for await (const key of store.list(prefix)) listed.add(key);
      for (const key of group.keys) if (listed.has(key)) present.add(key);
    }
  }
  const flags = store.hasMany ? await store.hasMany(ask) : await Promise.all(ask.map((k) => store.has(k)));
  ask.forEach((key, i) => {
    if (flags[i]) present.add(key);
  });
  return present;
}

/**
 * The newest pack, ready for lookups. The pack is an accelerator, never the witness of a
 * hit: the presence of every entry, manifest and blob its hits name is checked in one
 * batch (a directory listing per folder on a local store), and a hit is served only when
 * the store holds all of them (see presentKeys for the cost). The manifests that are present are handed to the artifact
 * store (they were verified when the pack was written), so a packed hit costs no further
 * I/O.
 */
export class PackLookup {
  private constructor(
    private readonly pack: CachePack,
    private readonly present: Set<string>,
    /** Keys whose entry was found, with the same outputs, in the journal segment the pack names. */
    private readonly journaled: Set<string>,
    /** Digests of the manifests that are present (as files or in the journal) with every blob they name. */
    private readonly servable: Set<string>,
    /** Segment → its checksum, for every cited segment that was read and verified. */
    private readonly checksums: Map<string, string>,
  ) {}

  static async load(store: Store, remember: (digest: string, manifest: ArtifactManifest) => void): Promise<PackLookup | undefined> {
    const pack = await readNewestPack(store);
    if (!pack) return undefined;
    // The journal first: manifests found there need no presence check as files.
    const { keys: journaled, manifests, checksums } = await journalWitnesses(store, pack);
    const cited = blobsOf(pack);
    const present = await presentKeys(store, backingKeysOf(pack, manifests, cited));
    // Decided once per manifest and blob here, not again per lookup (a store key string
    // built per lookup was a tenth of a 10,000-instance no-op rerun).
    const blobs = new Set<string>();
    for (const sha256 of cited) if (present.has(StoreKeys.blob(sha256))) blobs.add(sha256);
    const servable = new Set<string>();
    for (const [digest, manifest] of Object.entries(pack.manifests)) {
      if (!(manifests.has(digest) || present.has(StoreKeys.manifest(manifest.name, digest)))) continue;
      remember(digest, manifest);
      if (manifest.files.every((f) => blobs.has(f.sha256))) servable.add(digest);
    }
    return new PackLookup(pack, present, journaled, servable, checksums);
  }

  /** The checksum of a journal segment this pack's hits cite, as read now (verified). */
  checksumOf(segment: string): string | undefined {
    return this.checksums.get(segment);
  }

  /** Number of hits in the pack. */
  get size(): number {
    return Object.keys(this.pack.hits).length;
  }

  /** Whether the pack lists `key` at all (backed or not). */
  lists(key: string): boolean {
    return this.pack.hits[key] !== undefined;
  }

  /** Adds this pack's hits (and their manifests) that `into` does not have. */
  carryOver(into: CachePack): void {
    for (const [key, hit] of Object.entries(this.pack.hits)) {
      if (into.hits[key]) continue;
      into.hits[key] = hit;
      for (const { digest } of Object.values(hit.outputs)) {
        const manifest = this.pack.manifests[digest];
        if (manifest) into.manifests[digest] ??= manifest;
      }
    }
  }

  /** The packed hit for `key` if its entry, every output manifest and every blob are present. */
  get(key: string): PackedHit | undefined {
    const hit = this.pack.hits[key];
    if (!hit || !(hit.journal ? this.journaled.has(key) : this.present.has(StoreKeys.cacheEntry(key)))) return undefined;
    for (const name in hit.outputs) if (!this.servable.has(hit.outputs[name]!.digest)) return undefined;
    return hit;
  }
}

/**
 * The packed hits whose entry the journal backs: each segment the pack names is read and
 * checksummed once (a segment holds a batch of thousands of entries). A segment whose
 * checksum is the one the pack recorded holds the very records the pack was made from: all
 * its hits count, and the manifests of those marked `manifestsJournaled` are in it, with no
 * record parsed (parsing was a tenth of a 10,000-action no-op rerun). Any other readable
 * segment is parsed, and a hit counts only when the segment holds the key's entry with the
 * same outputs. `manifests`: the digests of the pack's manifests that those entries'
 * records hold; `checksums`: every cited segment that was read and verified.
 */
async function journalWitnesses(store: Store, pack: CachePack): Promise<{ keys: Set<string>; manifests: Set<string>; checksums: Map<string, string> }> {
  const bySegment = new Map<string, string[]>();
  for (const [key, hit] of Object.entries(pack.hits)) {
    if (!hit.journal) continue;
    const keys = bySegment.get(hit.journal) ?? [];
    keys.push(key);
    bySegment.set(hit.journal, keys);
  }
  const witnessed = new Set<string>();
  const manifests = new Set<string>();
  const checksums = new Map<string, string>();
  await Promise.all(
    [...bySegment].map(async ([segment, keys]) => {
      const found = verified(await store.getBytes(segment));
      if (!found) return;
      checksums.set(segment, found.checksum);
      if (found.checksum === pack.segments?.[segment]) {
        for (const key of keys) {
          const hit = pack.hits[key]!;
          witnessed.add(key);
          if (hit.manifestsJournaled) for (const { digest } of Object.values(hit.outputs)) if (pack.manifests[digest]) manifests.add(digest);
        }
        return;
      }
      const records = parseSegmentBody(found.body);
      if (!records) return;
      const entries = new Map(records.flatMap((r) => (r.type === 'entry' ? [[r.entry.key, r] as const] : [])));
      for (const key of keys) {
        const hit = pack.hits[key]!;
        delete hit.manifestsJournaled;
        const record = entries.get(key);
        if (!record || !sameOutputs(record.entry.outputs, hit.outputs)) continue;
        witnessed.add(key);
        // The segment's checksum guards the record, whose manifests were keyed by their own
        // digests when written; the pack's copy was verified when the pack was written.
        for (const digest of Object.keys(record.manifests ?? {})) if (pack.manifests[digest]) manifests.add(digest);
        if (holdsEveryManifest(hit.outputs, record.manifests)) hit.manifestsJournaled = true;
      }
    }),
  );
  return { keys: witnessed, manifests, checksums };
}

function sameOutputs(a: CacheEntry['outputs'], b: CacheEntry['outputs']): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((n) => a[n]?.digest === b[n]?.digest && a[n]?.name === b[n]?.name);
}
