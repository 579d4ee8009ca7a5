import type { Readable } from 'node:stream';
import type { PutOptions, PutResult, Store } from '../contracts/store.js';

/** Content-addressed keys: immutable, so reading them from the project's store is safe. */
const SHARED_PREFIXES = ['objects/', 'artifacts/'];
const shared = (key: string) => SHARED_PREFIXES.some((p) => key.startsWith(p));

/**
 * A scratch store over the project's store, for `aero rerun`: blobs and manifests are read
 * from the project (read-only, never written), everything else — cache entries, run
 * records, new blobs and manifests — lives in `scratch` only. The project's cache is not
 * read, so every action runs again, and not written, so the rerun leaves no trace in it.
 *
 * No `localRoot`: a blob may be on either side, so jobs fetch through get/getFile.
 */
export function overlayStore(base: Store, scratch: Store): Store {
  return {
    kind: 'store',
    name: `${scratch.name}+${base.name} (rerun scratch)`,
    version: scratch.version,
    async has(key) {
      return (await scratch.has(key)) || (shared(key) && (await base.has(key)));
    },
    async get(key): Promise<Readable | null> {
      return (await scratch.get(key)) ?? (shared(key) ? base.get(key) : null);
    },
    async getBytes(key) {
      return (await scratch.getBytes(key)) ?? (shared(key) ? base.getBytes(key) : null);
    },
    async put(key, body, options?: PutOptions): Promise<PutResult> {
      if (options?.ifAbsent && shared(key) && (await base.has(key))) return { written: false };
      return scratch.put(key, body, options);
    },
    async putFile(key, filePath, options?: PutOptions): Promise<PutResult> {
      if (options?.ifAbsent && shared(key) && (await base.has(key))) return { written: false };
      if (scratch.putFile) return scratch.putFile(key, filePath, options);
      const { createReadStream } = await import('node:fs');
      return scratch.put(key, createReadStream(filePath), options);
    },
    async getFile(key, filePath) {
      const { writeFileAtomic } = await import('../util/fs.js');
      for (const store of shared(key) ? [scratch, base] : [scratch]) {
        if (store.getFile) {
          if (await store.getFile(key, filePath)) return true;
          continue;
        }
        const bytes = await store.getBytes(key);
        if (bytes) {
          await writeFileAtomic(filePath, bytes);
          return true;
        }
      }
      return false;
    },
    async *list(prefix) {
      const seen = new Set<string>();
      for await (const key of scratch.list(prefix)) {
        seen.add(key);
        yield key;
      }
      if (!SHARED_PREFIXES.some((p) => prefix.startsWith(p) || p.startsWith(prefix))) return;
      for await (const key of base.list(prefix)) if (shared(key) && !seen.has(key)) yield key;
    },
    async delete(key) {
      await scratch.delete(key);
    },
    async close() {
      await scratch.close?.();
    },
  };
}
