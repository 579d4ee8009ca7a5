import type { Store } from '../contracts/store.js';

/** A small JSON value of the store (record, manifest, entry); missing or unreadable → undefined. */
export async function readJson<T>(store: Store, key: string): Promise<T | undefined> {
  const bytes = await store.getBytes(key);
  if (!bytes) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
