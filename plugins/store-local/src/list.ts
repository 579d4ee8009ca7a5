import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { errnoOf } from './errors.js';
import { TEMP_PREFIX } from './keys.js';

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

async function kind(dir: string, entry: Dirent): Promise<'file' | 'dir' | 'other'> {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (entry.isSymbolicLink()) {
    const s = await stat(`${dir}/${entry.name}`).catch(() => null);
    if (s?.isFile()) return 'file';
    if (s?.isDirectory()) return 'dir';
  }
  return 'other';
}

/** Yields every key under `relDir` (which is `''` or ends with `/`). */
async function* walk(root: string, relDir: string): AsyncGenerator<string> {
  const dir = relDir ? `${root}/${relDir.slice(0, -1)}` : root;
  for (const entry of await entries(dir)) {
    if (entry.name.startsWith(TEMP_PREFIX)) continue;
    const k = await kind(dir, entry);
    if (k === 'file') yield relDir + entry.name;
    else if (k === 'dir') yield* walk(root, `${relDir}${entry.name}/`);
  }
}

/**
 * Every key starting with `prefix` (string prefix, not directory: `list/b` matches
 * `list/b/c` and `list/bb`). Temp files of writers in flight are never yielded.
 */
export async function* listKeys(root: string, prefix: string): AsyncGenerator<string> {
  const cut = prefix.lastIndexOf('/') + 1;
  const relDir = prefix.slice(0, cut);
  const namePrefix = prefix.slice(cut);
  if (namePrefix === '') {
    yield* walk(root, relDir);
    return;
  }
  const dir = relDir ? `${root}/${relDir.slice(0, -1)}` : root;
  for (const entry of await entries(dir)) {
    if (!entry.name.startsWith(namePrefix) || entry.name.startsWith(TEMP_PREFIX)) continue;
    const k = await kind(dir, entry);
    if (k === 'file') yield relDir + entry.name;
    else if (k === 'dir') yield* walk(root, `${relDir}${entry.name}/`);
  }
}

/** Temp files (of any age) under `root`, as paths relative to it. */
export async function* listTemps(root: string, relDir = ''): AsyncGenerator<string> {
  const dir = relDir ? `${root}/${relDir.slice(0, -1)}` : root;
  for (const entry of await entries(dir)) {
    if (entry.name.startsWith(TEMP_PREFIX)) {
      if (entry.isFile()) yield relDir + entry.name;
    } else if (entry.isDirectory()) yield* listTemps(root, `${relDir}${entry.name}/`);
  }
}
