import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { defineStore, type PutOptions, type PutResult, type Store, type StoreMembers } from '@aeroml/core';
import { z } from 'zod';
import { identity, pluginError } from './errors.js';

/** Options of `folderStore()`, validated when the config is loaded. */
export const folderStoreOptionsSchema = z
  .object({
    /** Folder that holds the keys, relative to `cwd`. */
    dir: z.string().min(1).default('.aero-folder-store'),
    /** Base for a relative `dir` (default: the current directory). */
    cwd: z.string().optional(),
  })
  .strict();
export type FolderStoreOptions = z.input<typeof folderStoreOptionsSchema>;

/** Temp files live here, inside the root (same filesystem, so rename and link are atomic). */
const TMP = '.tmp';

/**
 * A store that keeps each key as a file under one folder: `plugins: [folderStore({ dir })]`.
 * Writes go to a temp file first, then rename into place (atomic overwrite) or hard-link
 * into place (`ifAbsent`: the link fails when the key exists, even between racing writers).
 */
export const folderStore: (options?: FolderStoreOptions) => Store = defineStore({ ...identity, name: 'folder', factory: 'folderStore', options: folderStoreOptionsSchema, setup: createFolderStore });

function createFolderStore(settings: z.output<typeof folderStoreOptionsSchema>): StoreMembers {
  const root = resolve(settings.cwd ?? process.cwd(), settings.dir);

  /** No key may leave the root: refuse empty, `.`/`..` segments, absolute keys and backslashes. */
  const pathOf = (key: string): string => {
    const parts = key.split('/');
    if (!key || key.startsWith('/') || key.includes('\\') || key.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..') || parts[0] === TMP) {
      throw pluginError('FOLDER_STORE_BAD_KEY', `Invalid store key ${JSON.stringify(key)}: keys are /-separated relative paths without empty, . or .. segments.`, 'This is a bug in the caller; report it with the key.');
    }
    return join(root, ...parts);
  };

  const tempFile = async () => {
    await mkdir(join(root, TMP), { recursive: true });
    return join(root, TMP, `${Date.now()}-${randomBytes(6).toString('hex')}`);
  };

  /** Moves a finished temp file to the key, honouring ifAbsent. */
  const commit = async (tmp: string, target: string, options: PutOptions): Promise<PutResult> => {
    try {
      await mkdir(dirname(target), { recursive: true });
      if (!options.ifAbsent) {
        await rename(tmp, target);
        return { written: true };
      }
      try {
        await link(tmp, target);
        return { written: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { written: false };
        throw error;
      }
    } finally {
      await rm(tmp, { force: true });
    }
  };

  const missing = (error: unknown) => ['ENOENT', 'ENOTDIR', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

  async function* walk(dir: string, prefix: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (missing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const key = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (!prefix && entry.name === TMP) continue;
      if (entry.isDirectory()) yield* walk(join(dir, entry.name), key);
      else yield key;
    }
  }

  const store: StoreMembers = {
    localRoot: root,

    async has(key) {
      const info = await stat(pathOf(key)).catch((error: unknown) => {
        if (missing(error)) return null;
        throw error;
      });
      return Boolean(info?.isFile());
    },

    async get(key) {
      const path = pathOf(key);
      if (!(await store.has(key))) return null;
      return createReadStream(path);
    },

    async getBytes(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    },

    async put(key, body, options = {}) {
      const target = pathOf(key);
      const tmp = await tempFile();
      try {
        if (body instanceof Readable) await pipeline(body, createWriteStream(tmp, { flags: 'wx' }));
        else await writeFile(tmp, body, { flag: 'wx' });
      } catch (error) {
        await rm(tmp, { force: true });
        throw pluginError('FOLDER_STORE_WRITE_FAILED', `Could not write ${key} under ${root}: ${(error as Error).message}.`, 'Check that the folder is writable and the disk is not full.', error);
      }
      return commit(tmp, target, options);
    },

    async *list(prefix) {
      // Walk only below the folder the prefix names, then filter by the rest of it.
      const cut = prefix.lastIndexOf('/');
      const base = cut < 0 ? '' : prefix.slice(0, cut);
      if (base && base.split('/').some((p) => p === '' || p === '.' || p === '..')) return;
      for await (const key of walk(base ? join(root, ...base.split('/')) : root, base)) if (key.startsWith(prefix)) yield key;
    },

    async delete(key) {
      await rm(pathOf(key), { force: true });
    },

    // Optional fast paths: files are copied without streaming them through Node.
    async putFile(key, filePath, options = {}) {
      const target = pathOf(key);
      const tmp = await tempFile();
      await copyFile(filePath, tmp);
      return commit(tmp, target, options);
    },

    async getFile(key, filePath) {
      const source = pathOf(key);
      if (!(await store.has(key))) return false;
      await mkdir(dirname(filePath), { recursive: true });
      const tmp = `${filePath}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await copyFile(source, tmp);
        await rename(tmp, filePath);
        return true;
      } catch (error) {
        await rm(tmp, { force: true });
        if (missing(error)) return false; // deleted between the check and the copy
        throw error;
      }
    },

    async hasMany(keys) {
      return Promise.all(keys.map((key) => store.has(key)));
    },
  };
  return store;
}
