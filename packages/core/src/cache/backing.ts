import type { ArtifactStore } from '../artifacts.js';
import type { Store } from '../contracts/store.js';
import { ErrorCodes, isAeroError } from '../errors.js';
import { StoreKeys } from '../keys.js';
import { quarantineKey } from '../quarantine.js';
import type { CacheEntry } from '../runs.js';
import { readEntryFile, type CacheEntryIndex } from './entries.js';
import { holdsEveryManifest } from '../run/journal.js';

/**
 * What the store holds for one cache key. A cache hit needs all of it: the entry
 * (in a run journal, or `cache/<key>.json` in an older store), the manifest of every output and every blob those manifests list.
 * Anything less is a miss — the instance runs again and rewrites what is missing — and
 * `problems` says, in words for `aero why` and the run's output, what was missing.
 */
export interface CacheBacking {
  /** The readable entry, if any (a hit only when `problems` is empty). */
  entry?: CacheEntry;
  /** The journal segment the entry was read from (none for a `cache/<key>.json` entry). */
  journal?: string;
  /** Why an existing entry is not a hit; empty for a hit and for a key with no entry. */
  problems: string[];
  /** The entry's journal record holds the manifest of every output. */
  manifestsJournaled?: boolean;
}

export function isHit(backing: CacheBacking): backing is CacheBacking & { entry: CacheEntry } {
  return backing.entry !== undefined && backing.problems.length === 0;
}

/**
 * Reads the entry of `key` — from the cache index (journals, cache/entries.ts) when given,
 * else from `cache/<key>.json` — and checks that the store backs it (one presence batch).
 */
export async function checkCacheKey(store: Store, artifacts: ArtifactStore, key: string, index?: CacheEntryIndex): Promise<CacheBacking> {
  const found = index ? await index.get(key) : await readEntryFile(store, key);
  if (found.unreadable) return { problems: [`its cache entry ${StoreKeys.cacheEntry(key)} is unreadable`] };
  if (!found.entry) return { problems: [] };
  // Manifests journaled with the entry are backed by the record itself: no file to look for.
  for (const [digest, manifest] of Object.entries(found.manifests ?? {})) artifacts.remember(digest, manifest);
  const journaled = new Set(Object.values(found.entry.outputs).flatMap((o) => (found.manifests?.[o.digest] ?? index?.manifest(o.digest) ? [o.digest] : [])));
  return {
    entry: found.entry,
    ...(found.journal ? { journal: found.journal } : {}),
    problems: await missingBacking(store, artifacts, found.entry.outputs, journaled),
    manifestsJournaled: holdsEveryManifest(found.entry.outputs, found.manifests),
  };
}


/**
 * Sentences naming the manifests and blobs of `outputs` that the store lacks. A manifest
 * already in memory (from a pack or an earlier read) is only checked for presence, unless
 * its digest is in `journaled` (it came with the entry's own journal record); one that is
 * not in memory is read, which proves both presence and content.
 */
export async function missingBacking(store: Store, artifacts: ArtifactStore, outputs: CacheEntry['outputs'], journaled: ReadonlySet<string> = new Set()): Promise<string[]> {
  const problems: string[] = [];
  const keys: string[] = [];
  const owners: Array<{ output: string; artifact: string; file?: string }> = [];
  for (const [output, o] of Object.entries(outputs)) {
    const artifact = `${o.name}@${o.digest.slice(0, 12)}`;
    let manifest = artifacts.known(o.digest);
    if (manifest && journaled.has(o.digest)) {
      // backed by the entry's record
    } else if (manifest) {
      keys.push(StoreKeys.manifest(o.name, o.digest));
      owners.push({ output, artifact });
    } else {
      try {
        manifest = await artifacts.getManifest(o.name, o.digest);
      } catch (error) {
        // Absent or not matching its digest: no hit. A store that cannot be read is not a miss.
        const code = isAeroError(error) ? error.code : undefined;
        if (code !== ErrorCodes.ARTIFACT_NOT_FOUND && code !== ErrorCodes.STORE_CORRUPT) throw error;
        problems.push(`the manifest of output \`${output}\` (${artifact}) ${code === ErrorCodes.STORE_CORRUPT ? 'does not match its digest' : 'is missing from the store'}`);
        continue;
      }
    }
    for (const f of manifest.files) {
      keys.push(StoreKeys.blob(f.sha256));
      owners.push({ output, artifact, file: f.path });
    }
  }
  if (keys.length === 0) return problems;
  const present = store.hasMany ? await store.hasMany(keys) : await Promise.all(keys.map((k) => store.has(k)));
  const missing = new Map<string, { files: string[]; keys: string[] }>();
  for (let i = 0; i < keys.length; i++) {
    if (present[i]) continue;
    const owner = owners[i]!;
    if (owner.file === undefined) {
      problems.push(`the manifest of output \`${owner.output}\` (${owner.artifact}) is missing from the store`);
      continue;
    }
    const blobs = missing.get(owner.output) ?? { files: [], keys: [] };
    blobs.files.push(owner.file);
    blobs.keys.push(keys[i]!);
    missing.set(owner.output, blobs);
  }
  for (const [output, { files, keys: blobKeys }] of missing) {
    const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? `, +${files.length - 3} more` : '');
    problems.push(
      (await anyQuarantined(store, blobKeys))
        ? `the content of output \`${output}\` (${shown}) was quarantined by \`aero verify\`: its bytes did not match their digest`
        : `the content of output \`${output}\` (${shown}) is missing from the store`,
    );
  }
  return problems;
}

/** Whether any of these missing blobs sits in the quarantine (moved there by `aero verify`). */
async function anyQuarantined(store: Store, blobKeys: string[]): Promise<boolean> {
  for (const key of blobKeys) if (await store.has(quarantineKey(key))) return true;
  return false;
}
