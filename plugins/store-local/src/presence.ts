import { readdirSync, statSync } from 'node:fs';
import { errnoOf } from './errors.js';

const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

/**
 * Which of `paths` are regular files, for thousands of paths at once (a cache lookup
 * checks every blob of every packed hit). Paths are grouped by directory; a directory
 * asked about for a good share of its entries is read once with `readdir` (its entry
 * types come free with the names), the others get one `stat` per path. On a cold page
 * cache this reads each directory block once instead of once per path.
 */
export function filesPresent(paths: string[]): boolean[] {
  const out = new Array<boolean>(paths.length).fill(false);
  const byDir = new Map<string, number[]>();
  paths.forEach((path, i) => {
    const dir = path.slice(0, path.lastIndexOf('/'));
    let list = byDir.get(dir);
    if (!list) byDir.set(dir, (list = []));
    list.push(i);
  });
  for (const [dir, indexes] of byDir) {
    if (indexes.length >= 8 && worthListing(dir, indexes.length)) {
      let files: Set<string>;
      try {
        files = new Set(readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name));
      } catch (error) {
        if (ABSENT.has(errnoOf(error)!)) continue;
        throw error;
      }
      for (const i of indexes) out[i] = files.has(paths[i]!.slice(dir.length + 1));
      continue;
    }
    for (const i of indexes) out[i] = isFile(paths[i]!);
  }
  return out;
}

/** A directory's size in bytes is roughly 64 per entry on common filesystems. */
function worthListing(dir: string, asked: number): boolean {
  try {
    const size = statSync(dir, { throwIfNoEntry: false })?.size ?? 0;
    return asked * 4 * 64 >= size;
  } catch {
    return false;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch (error) {
    if (ABSENT.has(errnoOf(error)!)) return false;
    throw error;
  }
}
