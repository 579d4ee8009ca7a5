import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Store } from './contracts/store.js';

/**
 * Where `aero verify` moves a blob or manifest whose bytes do not match its digest:
 * `quarantine/<original key>`. Moved aside, not deleted, so a user can inspect it; gone
 * from its own key, so the cache hits that needed it are no longer backed and their
 * producers run again on the next `aero run`.
 */
export const QUARANTINE_PREFIX = 'quarantine/';

export function quarantineKey(key: string): string {
  return `${QUARANTINE_PREFIX}${key}`;
}

/**
 * Moves `key` to its quarantine key; returns that key. A store on this filesystem gets a
 * rename (atomic, no copy of a large blob); any other store a copy through the Store
 * contract, then a delete of the original.
 */
export async function quarantine(store: Store, key: string): Promise<string> {
  const target = quarantineKey(key);
  if (store.localRoot) {
    const from = join(store.localRoot, ...key.split('/'));
    const to = join(store.localRoot, ...target.split('/'));
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
    return target;
  }
  const body = await store.get(key);
  if (!body) return target; // already gone: nothing left to move
  await store.put(target, body);
  await store.delete(key);
  return target;
}
