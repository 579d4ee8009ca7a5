import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheEntryIndex } from '../src/cache/entries.js';
import { RunCache } from '../src/cache/lookup.js';
import { PACKS_PREFIX, listPacks, parsePack } from '../src/cache/pack.js';
import { ArtifactStore, createAero, defineConfig } from '../src/index.js';
import { jsonHandler, memoryStore, squaresPipeline } from './fixtures.js';
import { dropEntry, journalEntries } from './journal-helpers.js';

const { source, square, total } = squaresPipeline(() => undefined);

/** A store after one run of the squares pipeline, and a RunCache over it as the next run would make it. */
async function afterOneRun() {
  const store = memoryStore();
  const aero = await createAero({ cwd: await mkdtemp(join(tmpdir(), 'aero-lookup-')), config: defineConfig({ actions: [source, square, total], plugins: [store, jsonHandler()] }) });
  await aero.run();
  const entries = journalEntries(store).map((e) => e.entry);
  let loads = 0;
  const cache = () => new RunCache(store, new ArtifactStore(store), () => (loads++, CacheEntryIndex.load(store)));
  return { store, entries, cache, loads: () => loads };
}

describe('cache/lookup: RunCache', () => {
  it('answers from the pack without loading the index, each hit naming its journal segment', async () => {
    const p = await afterOneRun();
    const cache = p.cache();
    const served: Array<[string, NonNullable<Awaited<ReturnType<RunCache['lookup']>>['hit']>]> = [];
    for (const entry of p.entries) {
      const { hit, unbacked } = await cache.lookup(entry.key);
      expect(unbacked).toBeUndefined();
      expect(hit).toMatchObject({ outputs: entry.outputs, runId: entry.runId, instanceId: entry.instanceId, journal: expect.stringMatching(/^runs\/.+\/journal\/\d{6}\.jsonl$/) });
      served.push([entry.key, hit!]);
    }
    expect(p.loads()).toBe(0);
    // Served wholly by that pack, which holds nothing else: saving writes no new one.
    const before = await listPacks(p.store);
    await cache.save('next', served, p.entries.length, false);
    expect(await listPacks(p.store)).toEqual(before);
  });

  it('answers from the loaded pack at once (packed), and never from a pack dropped while it was being read', async () => {
    const p = await afterOneRun();
    const key = p.entries[0]!.key;
    const cache = p.cache();
    // Not loaded yet: no answer without I/O.
    expect(cache.packed(key)).toBeUndefined();
    await cache.lookup(key);
    expect(cache.packed(key)?.hit).toMatchObject({ outputs: p.entries[0]!.outputs });

    // A read started ahead (prefetch), then `--force` drops the packs before the read ends.
    const forced = p.cache();
    forced.prefetch();
    await forced.dropPacks();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(forced.packed(key)).toBeUndefined();
    expect((await forced.lookup(key)).hit?.outputs).toEqual(p.entries[0]!.outputs);
    expect(await listPacks(p.store)).toEqual([]);
  });

  it('falls back to the index without a pack, and says why a key the pack lists is no hit', async () => {
    const p = await afterOneRun();
    const [first, second] = p.entries;
    dropEntry(p.store, first!.key);
    const cache = p.cache();
    expect(await cache.lookup(first!.key)).toEqual({ unbacked: `its cache entry is missing from the store (a cache pack lists key ${first!.key.slice(0, 12)}, but a pack alone is no hit)` });
    expect(p.loads()).toBe(1);
    for (const key of [...p.store.data.keys()]) if (key.startsWith(PACKS_PREFIX)) p.store.data.delete(key);
    const withoutPack = p.cache();
    expect((await withoutPack.lookup(second!.key)).hit).toMatchObject({ outputs: second!.outputs });
    expect(await withoutPack.lookup('0'.repeat(64))).toEqual({});
  });

  it('saves a pack of the hits it is given, with their manifests', async () => {
    const p = await afterOneRun();
    for (const key of [...p.store.data.keys()]) if (key.startsWith(PACKS_PREFIX)) p.store.data.delete(key);
    const cache = p.cache();
    const hits = await Promise.all(p.entries.map(async (e) => [e.key, (await cache.lookup(e.key)).hit!] as [string, NonNullable<Awaited<ReturnType<RunCache['lookup']>>['hit']>]));
    await cache.save('r2', hits, p.entries.length, false);
    const [packKey] = await listPacks(p.store);
    const pack = parsePack(await p.store.getBytes(packKey!))!;
    expect(Object.keys(pack.hits).sort()).toEqual(p.entries.map((e) => e.key).sort());
    expect(Object.keys(pack.manifests)).toHaveLength(5);
    expect(Object.values(pack.hits).every((h) => h.journal)).toBe(true);
  });
});
