import { linkSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ArtifactManifest, ArtifactRef, ManifestFile } from './contracts/artifact.js';
import type { Store } from './contracts/store.js';
import { AeroError, ErrorCodes } from './errors.js';
import { canonicalJson, digestOf, sha256File, sha256Hex } from './hash.js';
import { StoreKeys } from './keys.js';
import { fetchBlob } from './blob-fetch.js';

/** What ArtifactStore needs of the cache index (cache/entries.ts) to find journaled manifests. */
export interface JournaledManifests {
  manifest(digest: string): ArtifactManifest | undefined;
  manifests(): ReadonlyMap<string, ArtifactManifest>;
}

/**
 * Content-addressed artifacts on top of any Store: blobs under `objects/`, manifests
 * under `artifacts/<name>/<digest>.json` or in the run journal record of the cache entry
 * of the instance that made them (see commitDirectory's `defer`). The digest of an artifact is the sha256 of its
 * canonical manifest, so identical content always yields the identical version.
 */
export class ArtifactStore {
  private readonly manifestCache = new Map<string, ArtifactManifest>();
  /** Blob digests whose stored bytes this process wrote or hashed: not hashed again. */
  private readonly verified = new Set<string>();
  /**
   * Digests of the manifests committed with `defer` (in memory only, see commitDirectory).
   * Kept for the process: every entry that names one journals it, also a second run of this
   * process that made the same artifact at the same time (aero tune's trials).
   */
  private readonly deferred = new Set<string>();
  /** Where manifests that are no file are found: the run journals (set by the engine). */
  private journal: (() => Promise<JournaledManifests>) | undefined;
  /** Further places to look, after this store (a rerun's scratch store looks in the project's). */
  private readonly fallbacks: ArtifactStore[] = [];

  constructor(readonly store: Store) {}

  /** Manifests that are no file are looked up in the run journals, through `index`. */
  readJournalsWith(index: () => Promise<JournaledManifests>): void {
    this.journal = index;
  }

  /** Manifests this store does not have are looked up in `other` too. */
  fallBackTo(other: ArtifactStore): void {
    this.fallbacks.push(other);
  }

  /**
   * Hashes every file under `dir`, uploads missing blobs, writes the manifest.
   * `handOver`: the caller removes `dir` right after, so a local store may take the files
   * by hard link instead of copying them.
   * `defer`: the manifest is not written as a file; the cache entry of the instance takes it
   * into the run journal (`deferredManifests`), in the same record as the entry. One small file
   * less per output, which was the largest per-action cost of a run. Only for callers that
   * journal an entry for every successful instance in this process (the inline path).
   */
  async commitDirectory(
    dir: string,
    manifest: Omit<ArtifactManifest, 'files' | 'schema'>,
    options: { handOver?: boolean; defer?: boolean } = {},
  ): Promise<{ digest: string; manifest: ArtifactManifest; tree: FileTree; moved: ReadonlySet<string> }> {
    const tree = listTree(dir);
    const files: ManifestFile[] = [];
    const moved = new Set<string>();
    for (const relPath of tree.files) {
      const absolute = join(dir, relPath);
      const { sha256, size } = await sha256File(absolute);
      const put = await this.putBlob(absolute, sha256, options.handOver === true);
      if (put.written) this.verified.add(sha256);
      if (put.moved) moved.add(relPath);
      files.push({ path: relPath, sha256, size });
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const full: ArtifactManifest = { schema: 1, ...manifest, files };
    const text = canonicalJson(full);
    const digest = sha256Hex(text);
    if (options.defer) this.deferred.add(digest);
    else await this.store.put(StoreKeys.manifest(full.name, digest), text, { ifAbsent: true, contentType: 'application/json' });
    this.manifestCache.set(digest, full);
    return { digest, manifest: full, tree, moved };
  }

  /**
   * Uploads a blob unless the store has it. `written`: this call wrote it (its bytes are the
   * hashed ones); `moved`: the store took the file itself (handOver), so it is gone from `filePath`.
   */
  private async putBlob(filePath: string, sha256: string, handOver: boolean): Promise<{ written: boolean; moved?: boolean }> {
    const key = StoreKeys.blob(sha256);
    // A local store's putFile with ifAbsent checks presence itself (one stat); a remote one is
    // asked first, so that a blob it has is not uploaded again.
    if (!(this.store.localRoot && this.store.putFile) && (await this.store.has(key))) return { written: false };
    if (this.store.putFile) return this.store.putFile(key, filePath, { ifAbsent: true, sha256, ...(handOver ? { handOver } : {}) });
    const { createReadStream } = await import('node:fs');
    return this.store.put(key, createReadStream(filePath), { ifAbsent: true, sha256 });
  }

  /**
   * Puts the file `relPath` of a committed output back at `target` as a hard link to its
   * blob, after the store moved it in (`moved`): for a failed job's folder, kept for
   * inspection. Best effort: a store elsewhere, or no link possible, leaves it out.
   */
  linkBack(manifest: ArtifactManifest, relPath: string, target: string): void {
    const file = manifest.files.find((f) => f.path === relPath);
    if (!file || !this.store.localRoot) return;
    try {
      linkSync(join(this.store.localRoot, ...StoreKeys.blob(file.sha256).split('/')), target);
    } catch {
      // nothing to show then; the content is in the store
    }
  }

  /**
   * The manifests of these digests that were committed with `defer` (no file), for the
   * cache entry that journals them; undefined when there are none.
   */
  deferredManifests(digests: Iterable<string>): Record<string, ArtifactManifest> | undefined {
    let out: Record<string, ArtifactManifest> | undefined;
    for (const digest of digests) {
      const manifest = this.deferred.has(digest) ? this.manifestCache.get(digest) : undefined;
      // A null-prototype object is a dictionary from the start: an object literal given a new
      // digest-named property per call grows V8's hidden-class tree by one map each time.
      if (manifest) (out ??= Object.create(null) as Record<string, ArtifactManifest>)[digest] = manifest;
    }
    return out;
  }

  /**
   * A manifest handed over with a job (JobSpec inputs), so a worker in another process
   * needs no store read and no journal: kept only when it matches its digest.
   */
  adopt(digest: string, manifest: ArtifactManifest): boolean {
    if (digestOf(manifest) !== digest) return false;
    this.manifestCache.set(digest, manifest);
    return true;
  }

  /**
   * Writes the manifest as `artifacts/<name>/<digest>.json` unless that file exists: for a
   * version that must outlive the run journal holding it (a tagged one, see reproduce/tags.ts).
   */
  async persist(name: string, digest: string): Promise<void> {
    const key = StoreKeys.manifest(name, digest);
    if (await this.store.has(key)) return;
    await this.store.put(key, canonicalJson(await this.getManifest(name, digest)), { ifAbsent: true, contentType: 'application/json' });
  }

  /**
   * Every stored version of artifact `name` (of all artifacts without one): manifest files
   * and journaled manifests, by digest.
   */
  async versions(name?: string): Promise<Map<string, ArtifactManifest>> {
    const out = new Map<string, ArtifactManifest>();
    const prefix = StoreKeys.artifactsPrefix(name);
    const keys: string[] = [];
    for await (const key of this.store.list(prefix)) {
      const rest = key.slice(prefix.length);
      if (rest.endsWith('.json') && (name === undefined || !rest.includes('/'))) keys.push(key);
    }
    await Promise.all(
      keys.map(async (key) => {
        const digest = key.slice(key.lastIndexOf('/') + 1, -'.json'.length);
        const bytes = await this.store.getBytes(key);
        if (!bytes) return;
        try {
          out.set(digest, JSON.parse(Buffer.from(bytes).toString('utf8')) as ArtifactManifest);
        } catch {
          // unreadable: `aero verify` reports it
        }
      }),
    );
    if (this.journal) {
      for (const [digest, manifest] of (await this.journal()).manifests()) {
        if ((name === undefined || manifest.name === name) && !out.has(digest)) out.set(digest, manifest);
      }
    }
    return out;
  }

  /** Keeps an already verified manifest in memory (from a cache pack). */
  remember(digest: string, manifest: ArtifactManifest): void {
    this.manifestCache.set(digest, manifest);
  }

  /** A manifest already in memory (verified when it was read or written), else undefined. */
  known(digest: string): ArtifactManifest | undefined {
    return this.manifestCache.get(digest);
  }

  async getManifest(name: string, digest: string): Promise<ArtifactManifest> {
    const cached = this.manifestCache.get(digest);
    // By digest, but only as the artifact it belongs to: the name is part of what was asked.
    if (cached && cached.name === name) return cached;
    const bytes = await this.store.getBytes(StoreKeys.manifest(name, digest));
    if (!bytes) {
      const found = await this.elsewhere(name, digest);
      if (found) return found;
      throw new AeroError(ErrorCodes.ARTIFACT_NOT_FOUND, `Artifact ${name}@${digest.slice(0, 12)} is not in the store.`, {
        hint: 'It may have been removed by `aero gc`; run the pipeline again to rebuild it.',
      });
    }
    const text = Buffer.from(bytes).toString('utf8');
    if (sha256Hex(text) !== digest) {
      throw new AeroError(ErrorCodes.STORE_CORRUPT, `Manifest ${name}@${digest.slice(0, 12)} does not match its digest.`, {
        hint: 'Run `aero verify` to move it aside, then `aero run` to rewrite it.',
      });
    }
    const manifest = JSON.parse(text) as ArtifactManifest;
    this.manifestCache.set(digest, manifest);
    return manifest;
  }

  /** A manifest that is no file here: journaled with a cache entry, or in a fallback store. */
  private async elsewhere(name: string, digest: string): Promise<ArtifactManifest | undefined> {
    const journaled = this.journal ? (await this.journal()).manifest(digest) : undefined;
    if (journaled?.name === name) {
      this.manifestCache.set(digest, journaled);
      return journaled;
    }
    for (const other of this.fallbacks) {
      const found = await other.getManifest(name, digest).catch(() => undefined);
      if (found) return found;
    }
    return undefined;
  }

  toRef(manifest: ArtifactManifest, digest: string, producer?: ArtifactRef['producer']): ArtifactRef {
    return {
      name: manifest.name,
      digest,
      handler: manifest.handler,
      files: manifest.files,
      partition: manifest.partition,
      manifestKey: StoreKeys.manifest(manifest.name, digest),
      producer,
      metadata: manifest.metadata,
    };
  }

  /**
   * Make the artifact's files available under `destDir` (hard links from a local store,
   * else downloads), each checked against its digest before it is used (see blob-fetch.ts).
   */
  async materialize(manifest: ArtifactManifest, destDir: string, ensureDir: (dir: string) => Promise<unknown> = (d) => mkdir(d, { recursive: true })): Promise<string[]> {
    const out: string[] = [];
    for (const file of manifest.files) {
      const target = join(destDir, ...file.path.split('/'));
      await ensureDir(dirname(target));
      await fetchBlob(this.store, manifest.name, file, target, this.verified);
      out.push(target);
    }
    return out;
  }
}

/**
 * What is below a folder, as relative `/`-separated paths: regular files (sorted), folders
 * (parents before children) and anything else (symlinks, sockets). A missing folder is empty.
 */
export interface FileTree {
  files: string[];
  dirs: string[];
  others: string[];
}

/** Relative `/`-separated paths of all files below `dir`, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  return listTree(dir).files;
}

/**
 * `parent/name` relative to `dir`, with `/`. Node's recursive listing gives `dir` itself, or
 * `dir` joined with a subfolder, as the parent, so slicing is exact and spares the
 * path.relative (two path.resolve) per file of every output committed; any other parent
 * goes through path.relative.
 */
function relativeEntry(dir: string, parent: string, name: string): string {
  let rel: string;
  if (parent === dir) rel = name;
  else if (parent.startsWith(dir) && parent[dir.length] === sep) rel = `${parent.slice(dir.length + 1)}${sep}${name}`;
  else rel = relative(dir, join(parent, name));
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/**
 * One recursive listing of `dir` (see FileTree). Synchronous: an output folder usually holds
 * one or a few files, and one readdir per folder costs less than the thread-pool round trip.
 */
export function listTree(dir: string): FileTree {
  const tree: FileTree = { files: [], dirs: [], others: [] };
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return tree;
    throw error;
  }
  for (const entry of entries) {
    const parent = (entry as unknown as { parentPath?: string; path?: string }).parentPath ?? (entry as unknown as { path: string }).path;
    (entry.isFile() ? tree.files : entry.isDirectory() ? tree.dirs : tree.others).push(relativeEntry(dir, parent, entry.name));
  }
  tree.files.sort();
  // Shorter paths first: a parent always sorts before its children.
  tree.dirs.sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0));
  return tree;
}
