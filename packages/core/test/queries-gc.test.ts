import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
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

  it('keeps what a killed run journaled though its run.json never listed it, and a journal whose run has no record', async () => {
    const store = memoryStore();
    const cwd = await mkdtemp(join(tmpdir(), 'aero-gc-killed-'));
    const { source, square, total } = squaresPipeline(() => undefined);
    const open = () => createAero({ cwd, config: defineConfig({ actions: [source, square, total], plugins: [store, jsonHandler()] }) });
    const first = await (await open()).run();
    // As after kill -9 before the run's first record write: its table is empty and its
    // process is gone, but its journal holds the entries of all five instances.
    const recordKey = StoreKeys.runRecord(first.record.id);
    const record = JSON.parse(Buffer.from((await store.getBytes(recordKey))!).toString('utf8'));
    await store.put(recordKey, JSON.stringify({ ...record, status: 'running', host: hostname(), pid: 2 ** 22 + 1, actions: [] }));
    const report = await gc(await open());
    expect(report).toMatchObject({ removedBlobs: 0, removedManifests: 0, removedCacheEntries: 0 });
    expect((await (await open()).run()).counts).toMatchObject({ cached: 5, ran: 0 });

    // A run that is not kept loses them, as before.
    expect(await gc(await open(), { keepRuns: 0, dryRun: true })).toMatchObject({ removedCacheEntries: 5 });
    // A journal with no run record at all (it cannot be dated): kept whole.
    await store.delete(recordKey);
    expect(await gc(await open(), { keepRuns: 0, dryRun: true })).toMatchObject({ removedCacheEntries: 0 });
  });
});
