import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineConfig, StoreKeys } from '../src/index.js';
import { gc } from '../src/queries/gc.js';
import { jsonHandler, memoryStore, squaresPipeline } from './fixtures.js';

describe('queries/gc', () => {
  it('removes blobs, manifests and cache entries no kept run references, and keeps the rest', async () => {
    const store = memoryStore();
    const cwd = await mkdtemp(join(tmpdir(), 'aero-gc-'));
    const { source, square, total } = squaresPipeline(() => undefined);
    const open = () => createAero({ cwd, config: defineConfig({ actions: [source, square, total], plugins: [store, jsonHandler()] }) });
    await (await open()).run();
    const orphanBlob = StoreKeys.blob('f'.repeat(64));
    await store.put(orphanBlob, 'orphan');
    await store.put(StoreKeys.manifest('gone.out', 'e'.repeat(64)), '{}');
    await store.put(StoreKeys.cacheEntry('d'.repeat(64)), '{}');
    const before = [...store.data.keys()].filter((k) => !k.startsWith('cache/packs/')).sort();

    const dry = await gc(await open(), { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, removedBlobs: 1, removedManifests: 1, removedCacheEntries: 1 });
    expect([...store.data.keys()].filter((k) => !k.startsWith('cache/packs/')).sort()).toEqual(before);

    const real = await gc(await open());
    expect(real).toMatchObject({ dryRun: false, removedBlobs: 1, removedManifests: 1, removedCacheEntries: 1 });
    expect(store.data.has(orphanBlob)).toBe(false);
    // Everything the run made is still a hit.
    const rerun = await (await open()).run();
    expect(rerun.counts).toMatchObject({ cached: 5, ran: 0 });
  });

  it('refuses while a run is in progress', async () => {
    const store = memoryStore();
    await store.put('runs/r/run.json', JSON.stringify({ id: 'r', status: 'running', host: 'elsewhere', pid: 1, startedAt: '', actions: [] }));
    const aero = await createAero({ cwd: await mkdtemp(join(tmpdir(), 'aero-gc-')), config: defineConfig({ actions: [], plugins: [store] }) });
    await expect(gc(aero)).rejects.toMatchObject({ code: 'STORE_FAILED', message: 'A run is in progress; gc would race with it.', hint: 'Wait for it to finish (see `aero ps`) and run `aero gc` again.' });
  });
});
