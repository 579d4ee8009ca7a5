import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, readdir, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { publishTemp, writeAtomic } from '@aeroml/core';

/** Cached blobs carry this mtime; any later write to the file changes it, which marks it stale. */
const SENTINEL_MS = Date.UTC(2000, 0, 1);
const BLOB_MODE = 0o444;

/**
 * Local read-through cache for content-addressed blobs. A blob is stored under its sha256
 * only after its bytes were verified against that sha256, so the cache can be shared by
 * every bucket and never serves stale data (blobs are immutable). Mutable keys are never
 * cached.
 *
 * Like @aeroml/store-local, blobs are read-only files that are hard-linked (not copied)
 * to and from the paths `getFile` hands out, so a downloaded 1 GiB file is written once.
 * Entries get a fixed mtime; one whose mtime changed was modified through a link and is
 * dropped instead of served. Writes go to a temp name and are renamed into place (core's
 * atomic-write helper).
 */
export class BlobCache {
  private readonly dirs = new Set<string>();

  constructor(readonly root: string) {}

  path(hex: string): string {
    return join(this.root, 'objects', 'sha256', hex.slice(0, 2), hex);
  }

  private tmpPath(hex: string): string {
    return join(this.root, 'tmp', `${hex}.${randomUUID()}`);
  }

  /** mkdir -p, remembered (a cache of 10,000 blobs would otherwise mkdir 10,000 times). */
  private async ensureDir(dir: string): Promise<void> {
    if (this.dirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.dirs.add(dir);
  }

  /** Runs `fn`, recreating `dir` once if it vanished since it was remembered. */
  private async inDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
    await this.ensureDir(dir);
    try {
      return await fn();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.dirs.delete(dir);
      await this.ensureDir(dir);
      return fn();
    }
  }

  /** The path of a valid entry, or undefined (a modified entry is removed). */
  async lookup(hex: string): Promise<string | undefined> {
    const p = this.path(hex);
    try {
      const st = await stat(p);
      if (st.mtimeMs === SENTINEL_MS) return p;
      await unlink(p).catch(() => {});
      return undefined;
    } catch {
      return undefined;
    }
  }

  async has(hex: string): Promise<boolean> {
    return (await this.lookup(hex)) !== undefined;
  }

  /** Puts a cached blob at `dest` (a temp path the caller renames). False when not cached. */
  async linkTo(hex: string, dest: string): Promise<boolean> {
    const source = await this.lookup(hex);
    if (!source) return false;
    try {
      await link(source, dest);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false; // removed meanwhile
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw error;
      await copyFile(source, dest);
    }
    return true;
  }

  private async seal(file: string): Promise<void> {
    await chmod(file, BLOB_MODE);
    await utimes(file, new Date(), new Date(SENTINEL_MS));
  }

  /** Mode to create a file with that will be `adopt`ed (saves a chmod per blob). */
  static readonly mode = BLOB_MODE;

  /** Stamps an open file that was created with `BlobCache.mode` (saves a path lookup). */
  static async sealHandle(fh: FileHandle): Promise<void> {
    await fh.utimes(new Date(), new Date(SENTINEL_MS));
  }

  /**
   * Adds a verified file (about to be renamed to the caller's destination) by hard link,
   * or by copy across filesystems. The file becomes read-only, like store-local blobs.
   * `sealed`: the caller created it with `BlobCache.mode` and stamped it with `sealHandle`.
   */
  async adopt(hex: string, file: string, sealed = false): Promise<void> {
    const final = this.path(hex);
    if (!sealed) await this.seal(file);
    try {
      await this.inDir(dirname(final), () => link(file, final));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw error;
      const tmp = this.tmpPath(hex);
      try {
        await this.inDir(dirname(tmp), () => copyFile(file, tmp));
        await this.seal(tmp);
      } catch (copyError) {
        await unlink(tmp).catch(() => {});
        throw copyError;
      }
      await publishTemp(tmp, final);
    }
  }

  /** Adds verified bytes (small blobs read with get/getBytes). */
  async addBytes(hex: string, bytes: Uint8Array): Promise<void> {
    // The temp lives in the cache's tmp/ folder; the helper creates either folder on ENOENT.
    await writeAtomic(
      this.path(hex),
      async (fh) => {
        await fh.writeFile(bytes);
        await fh.chmod(BLOB_MODE);
        await BlobCache.sealHandle(fh);
      },
      { temp: this.tmpPath(hex) },
    );
  }

  /** A writer for a blob being streamed to a reader; `commit` after verification, else `discard`. */
  async writer(hex: string): Promise<{ stream: WriteStream; commit(): Promise<void>; discard(): Promise<void> }> {
    const tmp = this.tmpPath(hex);
    this.dirs.delete(dirname(tmp)); // a stream cannot be retried: make sure the folder is there
    await this.ensureDir(dirname(tmp));
    const stream = createWriteStream(tmp);
    const closed = (): Promise<void> =>
      new Promise((resolve, reject) => {
        if (stream.closed) return resolve();
        stream.once('close', resolve);
        stream.once('error', reject);
        stream.end();
      });
    return {
      stream,
      commit: async () => {
        await closed();
        await this.commit(hex, tmp);
      },
      discard: async () => {
        stream.destroy();
        await unlink(tmp).catch(() => {});
      },
    };
  }

  /** Seals a finished temp file and renames it into place (the temp goes on failure). */
  private async commit(hex: string, tmp: string): Promise<void> {
    try {
      await this.seal(tmp);
    } catch (error) {
      await unlink(tmp).catch(() => {});
      throw error;
    }
    await publishTemp(tmp, this.path(hex));
  }

  async remove(hex: string): Promise<void> {
    await unlink(this.path(hex)).catch(() => {});
  }

  /** Removes temp files left by crashed processes. */
  async cleanTemp(olderThanMs: number, dryRun: boolean): Promise<string[]> {
    const dir = join(this.root, 'tmp');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    const cutoff = Date.now() - olderThanMs;
    for (const name of names) {
      const p = join(dir, name);
      try {
        if ((await stat(p)).mtimeMs <= cutoff) {
          if (!dryRun) await unlink(p);
          removed.push(p);
        }
      } catch {
        // raced with another cleaner
      }
    }
    return removed;
  }
}
