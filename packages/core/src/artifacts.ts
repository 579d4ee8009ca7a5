import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ArtifactManifest, ArtifactRef, ManifestFile } from './contracts/artifact.js';
import type { Store } from './contracts/store.js';
import { AeroError, ErrorCodes } from './errors.js';
import { canonicalJson, sha256File, sha256Hex } from './hash.js';
import { StoreKeys } from './keys.js';
import { fetchBlob } from './blob-fetch.js';

/**
 * Content-addressed artifacts on top of any Store: blobs under `objects/`, manifests
 * under `artifacts/<name>/<digest>.json`. The digest of an artifact is the sha256 of its
 * canonical manifest, so identical content always yields the identical version.
 */
export class ArtifactStore {
  private readonly manifestCache = new Map<string, ArtifactManifest>();
  /** Blob digests whose stored bytes this process wrote or hashed: not hashed again. */
  private readonly verified = new Set<string>();

  constructor(readonly store: Store) {}

  /** Hash every file under `dir`, upload missing blobs, write the manifest. */
  /**
   * `handOver`: the caller removes `dir` right after, so a local store may take the files
   * by hard link instead of copying them.
   */
  async commitDirectory(
    dir: string,
    manifest: Omit<ArtifactManifest, 'files' | 'schema'>,
    options: { handOver?: boolean } = {},
  ): Promise<{ digest: string; manifest: ArtifactManifest; tree: FileTree }> {
    const tree = listTree(dir);
    const files: ManifestFile[] = [];
    for (const relPath of tree.files) {
      const absolute = join(dir, relPath);
      const { sha256, size } = await sha256File(absolute);
      if (await this.putBlob(absolute, sha256, options.handOver === true)) this.verified.add(sha256);
      files.push({ path: relPath, sha256, size });
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const full: ArtifactManifest = { schema: 1, ...manifest, files };
    const text = canonicalJson(full);
    const digest = sha256Hex(text);
    await this.store.put(StoreKeys.manifest(full.name, digest), text, { ifAbsent: true, contentType: 'application/json' });
    this.manifestCache.set(digest, full);
    return { digest, manifest: full, tree };
  }

  /** Uploads a blob unless the store has it; true when this call wrote it (its bytes are the hashed ones). */
  private async putBlob(filePath: string, sha256: string, handOver: boolean): Promise<boolean> {
    const key = StoreKeys.blob(sha256);
    if (await this.store.has(key)) return false;
    if (this.store.putFile) {
      return (await this.store.putFile(key, filePath, { ifAbsent: true, sha256, ...(handOver ? { handOver } : {}) })).written;
    }
    const { createReadStream } = await import('node:fs');
    return (await this.store.put(key, createReadStream(filePath), { ifAbsent: true, sha256 })).written;
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
    if (cached) return cached;
    const bytes = await this.store.getBytes(StoreKeys.manifest(name, digest));
    if (!bytes) {
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
    const rel = relative(dir, join(parent, entry.name)).split(sep).join('/');
    (entry.isFile() ? tree.files : entry.isDirectory() ? tree.dirs : tree.others).push(rel);
  }
  tree.files.sort();
  // Shorter paths first: a parent always sorts before its children.
  tree.dirs.sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0));
  return tree;
}
