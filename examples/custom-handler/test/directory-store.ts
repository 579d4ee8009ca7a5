import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Store } from '@aero/core';

/** A plain directory as the engine's store, for running real pipelines in tests (atomic puts). */
export function directoryStore(root: string): Store {
  const path = (key: string) => join(root, key);
  const bytes = async (body: Uint8Array | string | Readable) => {
    if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  };
  const exists = (key: string) => readFile(path(key)).then(() => true, () => false);
  return {
    kind: 'store',
    name: 'directory',
    version: '1.0.0',
    localRoot: root,
    has: exists,
    get: async (key) => ((await exists(key)) ? createReadStream(path(key)) : null),
    getBytes: async (key) => readFile(path(key)).catch(() => null),
    async put(key, body, options) {
      if (options?.ifAbsent && (await exists(key))) return { written: false };
      await mkdir(dirname(path(key)), { recursive: true });
      const tmp = `${path(key)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, await bytes(body));
      await rename(tmp, path(key));
      return { written: true };
    },
    async *list(prefix) {
      const walk = async (dir: string, rel: string): Promise<string[]> => {
        const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
        const out: string[] = [];
        for (const e of entries) out.push(...(e.isDirectory() ? await walk(join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]));
        return out;
      };
      for (const key of await walk(root, '')) if (key.startsWith(prefix)) yield key;
    },
    delete: async (key) => rm(path(key), { force: true }),
  };
}
