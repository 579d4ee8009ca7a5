import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheEntryIndex } from '../src/cache/entries.js';
import { PACKS_PREFIX } from '../src/cache/pack.js';
import { createAero, defineConfig, StoreKeys } from '../src/index.js';
import { isSegmentKey } from '../src/run/journal.js';
import { jsonHandler, memoryStore, squaresPipeline } from './fixtures.js';
import { journalEntries, manifestsToFiles } from './journal-helpers.js';

let ran: string[] = [];
const { source, square, total } = squaresPipeline((step) => ran.push(step));

async function project() {
  const store = memoryStore();
  const cwd = await mkdtemp(join(tmpdir(), 'aero-entries-'));
  const open = () => createAero({ cwd, config: defineConfig({ actions: [source, square, total], plugins: [store, jsonHandler()] }) });
  const first = await (await open()).run();
  ran = [];
  return { store, open, first };
}
const dropPacks = (store: ReturnType<typeof memoryStore>) => {
  for (const key of [...store.data.keys()]) if (key.startsWith(PACKS_PREFIX)) store.data.delete(key);
};

describe('cache/entries: the cache index is derived from the run journals', () => {
  it('a run journals its entries (no cache/<key>.json), and the index rebuilt from them serves a rerun without a pack', async () => {
    const p = await project();
    expect([...p.store.data.keys()].filter((k) => k.startsWith('cache/') && !k.startsWith(PACKS_PREFIX))).toEqual([]);
    expect(journalEntries(p.store)).toHaveLength(5);
    const index = await CacheEntryIndex.load(p.store);
    expect((await index.all()).map((e) => e.instanceId).sort()).toEqual(['source', 'square[i=0]', 'square[i=1]', 'square[i=2]', 'total']);
    dropPacks(p.store);
    const again = await (await p.open()).run();
    expect(again.counts).toMatchObject({ cached: 5, ran: 0 });
  });

  it('a damaged journal segment costs a rerun, never a wrong hit: the digests come out the same', async () => {
    const p = await project();
    dropPacks(p.store);
    for (const key of [...p.store.data.keys()]) if (isSegmentKey(key)) p.store.data.set(key, Buffer.concat([p.store.data.get(key)!, Buffer.from('x')]));
    const index = await CacheEntryIndex.load(p.store);
    expect(index.damaged.length).toBeGreaterThan(0);
    const again = await (await p.open()).run();
    expect(again.counts).toMatchObject({ ran: 5, cached: 0 });
    expect(again.record.actions.map((a) => a.outputs)).toEqual(p.first.record.actions.map((a) => a.outputs));
    ran = [];
    expect((await (await p.open()).run()).counts).toMatchObject({ cached: 5 });
  });

  it('a store written before journals (cache/<key>.json entries) is still read: its hits stay hits', async () => {
    const p = await project();
    // Turn the store into the older layout: manifests and entries as files, no journals, no pack.
    await manifestsToFiles(p.store);
    for (const { entry } of journalEntries(p.store)) await p.store.put(StoreKeys.cacheEntry(entry.key), JSON.stringify(entry));
    for (const key of [...p.store.data.keys()]) if (isSegmentKey(key)) p.store.data.delete(key);
    dropPacks(p.store);
    const again = await (await p.open()).run();
    expect(ran).toEqual([]);
    expect(again.counts).toMatchObject({ cached: 5, ran: 0 });
    // Its pack names the entry files as witnesses; the next rerun is served by it.
    expect((await (await p.open()).run()).counts).toMatchObject({ cached: 5 });
  });

  it('a packed hit needs its journal entry: a pack alone is no hit', async () => {
    const p = await project();
    for (const key of [...p.store.data.keys()]) if (isSegmentKey(key)) p.store.data.delete(key);
    const again = await (await p.open()).run();
    expect(again.counts).toMatchObject({ ran: 5, cached: 0 });
    expect(again.decisions.find((d) => d.instanceId === 'total')!.reason).toMatch(/^rerun because its cache entry is missing from the store \(a cache pack lists key [0-9a-f]{12}, but a pack alone is no hit\); rewritten$/);
  });
});
