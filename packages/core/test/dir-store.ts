import { createReadStream, existsSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { Store } from '../src/index.js';

/**
 * A Store on a directory with `localRoot` set, so core takes its local fast paths (hard
 * links into work dirs, renames into the quarantine). Core's tests cannot use
 * @aeroml/store-local, which depends on core; the CLI tests run that one.
 */
export function dirStore(root: string): Store {
  const pathOf = (key: string) => join(root, ...key.split('/'));
  const bytesOf = async (body: Uint8Array | string | Readable): Promise<Buffer> => {
    if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  };
  let n = 0;
  const commit = async (key: string, write: (tmp: string) => Promise<void>, ifAbsent?: boolean) => {
    const path = pathOf(key);
    if (ifAbsent && existsSync(path)) return { written: false };
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${n++}`;
    await write(tmp);
    await rename(tmp, path);
    return { written: true };
  };
  async function* walk(dir: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) yield* walk(path);
      else if (!e.name.includes('.tmp-')) yield relative(root, path).split(sep).join('/');
    }
  }
  return {
    kind: 'store',
    name: 'dir',
    version: '0.0.0',
    localRoot: root,
    has: async (key) => existsSync(pathOf(key)),
    get: async (key) => (existsSync(pathOf(key)) ? createReadStream(pathOf(key)) : null),
    getBytes: async (key) => readFile(pathOf(key)).catch(() => null),
    put: async (key, body, options) => {
      const bytes = await bytesOf(body);
      return commit(key, (tmp) => writeFile(tmp, bytes), options?.ifAbsent);
    },
    putFile: async (key, filePath, options) => {
      // Like @aeroml/store-local: a content-addressed blob handed over is moved in by rename.
      if (options?.handOver && options.ifAbsent && options.sha256 !== undefined) {
        const path = pathOf(key);
        if (existsSync(path)) return { written: false };
        await mkdir(dirname(path), { recursive: true });
        await rename(filePath, path);
        return { written: true, moved: true };
      }
      return commit(key, (tmp) => (options?.handOver ? link(filePath, tmp) : copyFile(filePath, tmp)), options?.ifAbsent);
    },
    async *list(prefix) {
      const dir = prefix.slice(0, prefix.lastIndexOf('/') + 1);
      for await (const key of walk(pathOf(dir || '.'))) if (key.startsWith(prefix)) yield key;
    },
    delete: async (key) => {
      await unlink(pathOf(key)).catch(() => undefined);
    },
  };
}
