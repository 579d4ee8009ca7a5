import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineAction, defineConfig, type AssetHandler, type Store } from '@aeroml/core';
import { makeStore, tempDir } from './helpers.js';

const N = 2000;

/** The real S3 store, with every request it would send counted by kind. */
function counting(store: Store) {
  const counts = { get: 0, head: 0, list: 0, put: 0, puts: [] as string[] };
  const wrapped: Store = {
    ...store,
    kind: 'store',
    name: store.name,
    version: store.version,
    has: (key) => (counts.head++, store.has(key)),
    hasMany: async (keys) => ((counts.head += keys.length), store.hasMany ? store.hasMany(keys) : Promise.all(keys.map((k) => store.has(k)))),
    get: (key) => (counts.get++, store.get(key)),
    getBytes: (key) => (counts.get++, store.getBytes(key)),
    ...(store.getFile ? { getFile: (key: string, path: string) => (counts.get++, store.getFile!(key, path)) } : {}),
    put: (key, body, options) => (counts.put++, counts.puts.push(key), store.put(key, body, options)),
    ...(store.putFile ? { putFile: (key: string, path: string, options?: Parameters<NonNullable<Store['putFile']>>[2]) => (counts.put++, counts.puts.push(key), store.putFile!(key, path, options)) } : {}),
    list: (prefix) => (counts.list++, store.list(prefix)),
    delete: (key) => store.delete(key),
    close: () => store.close?.() ?? Promise.resolve(),
  };
  const reset = () => Object.assign(counts, { get: 0, head: 0, list: 0, put: 0, puts: [] });
  return { store: wrapped, counts, reset };
}

const text: AssetHandler = {
  kind: 'handler', name: 'text', version: '1.0.0', extensions: ['txt'],
  read: async (path) => readFile(path, 'utf8'),
  write: async (path, value) => writeFile(path, String(value)),
};

const actions = Array.from({ length: N }, (_, i) =>
  defineAction({ name: `a${i}`, version: '1', outputs: { out: { handler: 'text' } }, async run({ outputs }) { await outputs.out.write(`value ${i}`); } }),
);

describe(`a ${N}-action fan against S3 (MinIO), requests counted`, () => {
  it('a full run writes no per-action cache entry or manifest (journal batches instead); a no-op rerun reads O(1) objects', { timeout: 600_000 }, async () => {
    const s3 = counting(await makeStore());
    const cwd = await tempDir('journal-reads');
    const open = () => createAero({ cwd, config: defineConfig({ actions, concurrency: 8, plugins: [s3.store, text] }) });
    const first = await (await open()).run();
    expect(first.counts).toMatchObject({ ran: N });
    const segments = s3.counts.puts.filter((k) => k.includes('/journal/'));
    expect(s3.counts.puts.filter((k) => k.startsWith('cache/') && !k.startsWith('cache/packs/'))).toEqual([]);
    expect(segments.length).toBeGreaterThan(0);
    // One object per 500 ms of run, not one per action (the count follows how long the run took).
    expect(segments.length).toBeLessThan(N / 10);
    // No manifest object per action either: manifests travel in their entries' journal records.
    expect(s3.counts.puts.filter((k) => k.startsWith('artifacts/'))).toEqual([]);

    s3.reset();
    const again = await (await open()).run();
    expect(again.counts).toMatchObject({ cached: N, ran: 0 });
    // Objects read: the newest pack and the one segment the run's batches were folded into
    // at its end (RunJournal.compact), whatever N and however long the first run took.
    expect(s3.counts.get).toBe(2);
    // Presence of manifests and blobs by listing (artifacts/ and the shards of objects/), not a HEAD per key.
    expect(s3.counts.head + s3.counts.list).toBeLessThan(N / 4);
    // The rerun writes its run record and snapshot, no cache entry and no manifest.
    expect(s3.counts.puts.filter((k) => k.startsWith('artifacts/') || k.includes('/journal/') || (k.startsWith('cache/') && !k.startsWith('cache/packs/')))).toEqual([]);
    console.log(`[journal-reads] full run: ${segments.length} journal objects for ${N} actions; rerun: ${s3.counts.get} GETs, ${s3.counts.head} HEADs, ${s3.counts.list} LISTs`);
  });
});
