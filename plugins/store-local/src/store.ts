import { lstat, open, stat, unlink } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { defineStore, type PutOptions, type PutResult, type Store, type StoreMembers } from '@aeroml/core';
import { LocalStoreErrorCodes, PLUGIN, errnoOf, ioError, storeError } from './errors.js';
import { checkKey, checkPrefix } from './keys.js';
import { listKeys, listTemps } from './list.js';
import { localStoreOptionsSchema, type LocalStoreOptions, type ResolvedLocalStoreOptions } from './options.js';
import { SMALL_WRITE_BYTES, commit, copyToTemp, fsyncPath, linkHandedOver, moveHandedOver, putAsync, putSmallSync } from './write.js';
import { readSmallFast } from './read.js';
import { filesPresent, isFile } from './presence.js';
import { VERSION } from './version.js';

/** Blobs are immutable: created read-only. */
const BLOB_MODE = 0o444;
const FILE_MODE = 0o644;

const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

export interface LocalStore extends Store {
  /** Absolute store directory. */
  readonly localRoot: string;
}

/**
 * The embedded default store: keys are files under `<cwd>/<dir>` (`.aero` by default),
 * `objects/sha256/ab/<hex>` → `.aero/objects/sha256/ab/<hex>`. Writes are atomic (temp
 * file in the same directory, then rename; `ifAbsent` via `link`, which fails atomically
 * when the key exists), so several `aero` processes can share one project.
 */
export const localStore: (options?: LocalStoreOptions) => LocalStore = defineStore({
  name: 'local',
  packageName: PLUGIN,
  version: VERSION,
  factory: 'localStore',
  options: localStoreOptionsSchema,
  setup: (opts) => createLocalStore(opts),
});

function createLocalStore(opts: ResolvedLocalStoreOptions): StoreMembers & { localRoot: string } {
  const cwd = opts.cwd ?? process.cwd();
  const root = isAbsolute(opts.dir) ? resolve(opts.dir) : resolve(cwd, opts.dir);
  const durable = opts.durable;
  const pathOf = (key: string) => `${root}/${key}`;
  const modeOf = (key: string) => (key.startsWith('objects/') ? BLOB_MODE : FILE_MODE);

  async function finish(key: string, tmp: string, ifAbsent: boolean): Promise<PutResult> {
    return { written: await commit(tmp, pathOf(key), ifAbsent, durable) };
  }

  return {
    localRoot: root,

    async has(key) {
      checkKey(key);
      try {
        return isFile(pathOf(key));
      } catch (error) {
        throw ioError('check', key, pathOf(key), error);
      }
    },

    async hasMany(keys) {
      for (const key of keys) checkKey(key);
      try {
        return filesPresent(keys.map(pathOf));
      } catch (error) {
        throw ioError('check', keys[0] ?? '', root, error);
      }
    },

    async get(key) {
      checkKey(key);
      const path = pathOf(key);
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        const code = errnoOf(error);
        if (ABSENT.has(code!) || code === 'EISDIR') return null;
        throw ioError('read', key, path, error);
      }
      try {
        if (!(await handle.stat()).isFile()) {
          await handle.close();
          return null;
        }
      } catch (error) {
        await handle.close().catch(() => {});
        throw ioError('read', key, path, error);
      }
      // The open descriptor keeps the whole value readable even if it is replaced meanwhile.
      return handle.createReadStream({ highWaterMark: 1 << 20 });
    },

    async getBytes(key) {
      checkKey(key);
      const path = pathOf(key);
      try {
        return await readSmallFast(path);
      } catch (error) {
        throw ioError('read', key, path, error);
      }
    },

    async put(key, body, putOptions: PutOptions = {}) {
      checkKey(key);
      const path = pathOf(key);
      const ifAbsent = putOptions.ifAbsent === true;
      try {
        if (ifAbsent && isFile(path)) {
          if (body instanceof Readable) body.destroy();
          return { written: false };
        }
        // A string's UTF-8 form is at most 3 bytes per UTF-16 unit.
        const small = typeof body === 'string' ? body.length <= SMALL_WRITE_BYTES / 3 : body instanceof Uint8Array && body.byteLength <= SMALL_WRITE_BYTES;
        if (small) return { written: putSmallSync(path, body as string | Uint8Array, modeOf(key), ifAbsent, durable) };
        return { written: await putAsync(path, body, modeOf(key), ifAbsent, durable) };
      } catch (error) {
        throw ioError('write', key, path, error);
      }
    },

    async putFile(key, filePath, putOptions: PutOptions = {}) {
      checkKey(key);
      const path = pathOf(key);
      const ifAbsent = putOptions.ifAbsent === true;
      let tmp: string | null;
      try {
        if (ifAbsent && isFile(path)) return { written: false };
        if (putOptions.handOver && ifAbsent && putOptions.sha256 !== undefined) {
          const moved = await moveHandedOver(filePath, path, modeOf(key), durable);
          if (moved) {
            if (durable) await fsyncPath(parentOf(path));
            return { written: true, moved: true };
          }
        }
        if (putOptions.handOver) {
          const linked = await linkHandedOver(filePath, path, modeOf(key), ifAbsent, durable);
          if (linked !== null) {
            if (durable && linked) await fsyncPath(parentOf(path));
            return { written: linked };
          }
        }
        tmp = await copyToTemp(parentOf(path), filePath, modeOf(key), durable);
      } catch (error) {
        throw ioError('write', key, path, error);
      }
      if (tmp === null) {
        throw storeError(LocalStoreErrorCodes.FILE_NOT_FOUND, `local store: cannot store key \`${key}\` from ${filePath}: the file does not exist.`, {
          hint: 'The source file was removed or never written; check the path passed to putFile.',
          details: { key, filePath },
        });
      }
      try {
        return await finish(key, tmp, ifAbsent);
      } catch (error) {
        throw ioError('write', key, path, error);
      }
    },

    async getFile(key, filePath) {
      checkKey(key);
      const source = pathOf(key);
      const target = resolve(filePath);
      let tmp: string | null;
      try {
        const s = await lstat(source).catch((error: unknown) => {
          if (ABSENT.has(errnoOf(error)!)) return null;
          throw error;
        });
        if (!s || s.isDirectory()) return false;
        tmp = await copyToTemp(parentOf(target), source, FILE_MODE, durable);
        if (tmp === null) return false; // deleted between the check and the copy
        await commit(tmp, target, false);
        return true;
      } catch (error) {
        throw ioError('download', key, target, error);
      }
    },

    async *list(prefix) {
      checkPrefix(prefix);
      try {
        yield* listKeys(root, prefix);
      } catch (error) {
        throw ioError('list', prefix, root, error);
      }
    },

    async delete(key) {
      checkKey(key);
      try {
        await unlink(pathOf(key));
      } catch (error) {
        const code = errnoOf(error);
        if (ABSENT.has(code!) || code === 'EISDIR') return;
        // macOS says EPERM for a directory: a directory of other keys is not a key.
        if (code === 'EPERM' && (await stat(pathOf(key)).catch(() => null))?.isDirectory()) return;
        throw ioError('delete', key, pathOf(key), error);
      }
    },

    /** Removes temp files left by writers that were killed mid-write. */
    async gc({ dryRun, olderThanMs }) {
      const removed: string[] = [];
      const cutoff = Date.now() - olderThanMs;
      for await (const rel of listTemps(root)) {
        const s = await stat(`${root}/${rel}`).catch(() => null);
        if (!s || s.mtimeMs > cutoff) continue;
        if (!dryRun) await unlink(`${root}/${rel}`).catch(() => {});
        removed.push(rel);
      }
      return { removed };
    },

    async close() {},
  };
}
