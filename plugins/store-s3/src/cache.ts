import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, chmod, copyFile, constants, mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Local read-through cache for content-addressed blobs. A blob is stored under its sha256
 * only after its bytes were verified against that sha256, so the cache can be shared by
 * every bucket and never serves stale data (blobs are immutable). Mutable keys are never
 * cached. Files are written to a temp name and renamed, so readers never see half a blob.
 */
export class BlobCache {
  constructor(readonly root: string) {}

  path(hex: string): string {
    return join(this.root, 'objects', 'sha256', hex.slice(0, 2), hex);
  }

  private tmpPath(hex: string): string {
    return join(this.root, 'tmp', `${hex}.${randomUUID()}`);
  }

  async has(hex: string): Promise<boolean> {
    try {
      await access(this.path(hex), constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** Copies a cached blob to `dest` (caller renames it into place). False when not cached. */
  async copyTo(hex: string, dest: string): Promise<boolean> {
    try {
      await copyFile(this.path(hex), dest, constants.COPYFILE_FICLONE);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !(await this.has(hex))) return false;
      throw error;
    }
  }

  /** Adds a verified file to the cache by copy (the source stays the caller's). */
  async addFile(hex: string, source: string): Promise<void> {
    if (await this.has(hex)) return;
    const tmp = this.tmpPath(hex);
    await mkdir(dirname(tmp), { recursive: true });
    try {
      await copyFile(source, tmp, constants.COPYFILE_FICLONE);
      await this.commit(hex, tmp);
    } catch (error) {
      await unlink(tmp).catch(() => {});
      throw error;
    }
  }

  /** A writer for a blob being downloaded; `commit` after verification, else `discard`. */
  async writer(hex: string): Promise<{ stream: WriteStream; commit(): Promise<void>; discard(): Promise<void> }> {
    const tmp = this.tmpPath(hex);
    await mkdir(dirname(tmp), { recursive: true });
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

  private async commit(hex: string, tmp: string): Promise<void> {
    const final = this.path(hex);
    await mkdir(dirname(final), { recursive: true });
    await chmod(tmp, 0o444);
    await rename(tmp, final);
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
