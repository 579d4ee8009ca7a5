import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
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

/**
 * The real folders a listing has descended through, innermost last, with the store's own
 * real root: a symlinked folder is followed only when it stays inside the store and does
 * not lead back up the path it was reached by (a loop). A link out of the store (a failed
 * action's kept work folder may hold one to the project) is not listed: its files are no
 * keys of this store, and a listing through it never ended (or gc could delete through it).
 */
interface Descent {
  root: string;
  chain: readonly string[];
}

async function kind(dir: string, entry: Dirent, descent: Descent): Promise<{ kind: 'file' | 'other' } | { kind: 'dir'; real?: string }> {
  if (entry.isFile()) return { kind: 'file' };
  if (entry.isDirectory()) return { kind: 'dir' };
  if (entry.isSymbolicLink()) {
    const path = `${dir}/${entry.name}`;
    const s = await stat(path).catch(() => null);
    if (s?.isFile()) return { kind: 'file' };
    if (s?.isDirectory()) {
      const real = await realpath(path).catch(() => null);
      if (!real || !(real === descent.root || real.startsWith(`${descent.root}${sep}`))) return { kind: 'other' };
      if (descent.chain.some((up) => up === real || up.startsWith(`${real}${sep}`))) return { kind: 'other' };
      return { kind: 'dir', real };
    }
  }
  return { kind: 'other' };
}

async function descentOf(root: string): Promise<Descent> {
  const real = await realpath(root).catch(() => root);
  return { root: real, chain: [real] };
}

/** Yields every key under `relDir` (which is `''` or ends with `/`). */
async function* walk(root: string, relDir: string, descent: Descent): AsyncGenerator<string> {
  const dir = relDir ? `${root}/${relDir.slice(0, -1)}` : root;
  for (const entry of await entries(dir)) {
    if (entry.name.startsWith(TEMP_PREFIX)) continue;
    yield* visit(root, relDir, dir, entry, descent);
  }
}

async function* visit(root: string, relDir: string, dir: string, entry: Dirent, descent: Descent): AsyncGenerator<string> {
  const k = await kind(dir, entry, descent);
  if (k.kind === 'file') yield relDir + entry.name;
  else if (k.kind === 'dir') {
    // A plain folder's real path is its parent's plus its name; only a link changes it.
    const real = k.real ?? `${descent.chain[descent.chain.length - 1]}${sep}${entry.name}`;
    yield* walk(root, `${relDir}${entry.name}/`, { root: descent.root, chain: [...descent.chain, real] });
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
  const top = await descentOf(root);
  // The folders of relDir itself are the start of the chain (as the walk would have seen them).
  const descent: Descent = { root: top.root, chain: [top.root, ...relDir.split('/').filter(Boolean).map((_, i, parts) => `${top.root}${sep}${parts.slice(0, i + 1).join(sep)}`)] };
  if (namePrefix === '') {
    yield* walk(root, relDir, descent);
    return;
  }
  const dir = relDir ? `${root}/${relDir.slice(0, -1)}` : root;
  for (const entry of await entries(dir)) {
    if (!entry.name.startsWith(namePrefix) || entry.name.startsWith(TEMP_PREFIX)) continue;
    yield* visit(root, relDir, dir, entry, descent);
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
