import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { PACKS_PREFIX, formatPack, parsePack, presentKeys, type CachePack } from '../src/cache/pack.js';
import { checksummed } from '../src/checksummed.js';
import { createAero, defineConfig, gc } from '../src/index.js';
import { ScratchPool } from '../src/scratch.js';
import { journalEntries } from './journal-helpers.js';
import { jsonHandler, memoryStore, squaresPipeline } from './fixtures.js';

let ran: string[] = [];
const { source, square } = squaresPipeline((step) => ran.push(step));

async function project() {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-pack-'));
  const store = memoryStore();
  const config = defineConfig({ actions: [source, square], plugins: [store, jsonHandler()] });
  return { cwd, store, open: () => createAero({ cwd, config }) };
}

const keysUnder = (store: { data: Map<string, Buffer> }, prefix: string) => [...store.data.keys()].filter((k) => k.startsWith(prefix)).sort();

/** A project after one full run, with the pack that run wrote. */
async function afterOneRun() {
  ran = [];
  const p = await project();
  await (await p.open()).run();
  const [packKey] = keysUnder(p.store, PACKS_PREFIX);
  return { p, packKey: packKey!, pack: parsePack(p.store.data.get(packKey!)!)! };
}

/** Rewrites a journal segment whole without one instance's entry (a valid segment: another checksum, as gc writes). */
function dropEntry(store: { data: Map<string, Buffer> }, segmentKey: string, instanceId: string): number {
  const lines = store.data.get(segmentKey)!.toString('utf8').split('\n').slice(1).filter((l) => !l.includes(`"instanceId":"${instanceId}"`));
  store.data.set(segmentKey, Buffer.from(checksummed(lines.join('\n'))));
  return lines.length;
}

describe('cache packs', () => {
  it('serve a rerun from one file: the run writes a pack, the next run reads no per-key entry or manifest', async () => {
    ran = [];
    const p = await project();
    const aero = await p.open();
    expect((await aero.run()).counts).toMatchObject({ ran: 4 });
    const packs = keysUnder(p.store, PACKS_PREFIX);
    expect(packs).toHaveLength(1);
    const pack = parsePack(p.store.data.get(packs[0]!)!)!;
    expect(Object.keys(pack.hits)).toHaveLength(4);
    expect(Object.keys(pack.manifests)).toHaveLength(4);
    // The pack answers every lookup: the store is asked whether entries exist, never read for them.
    const reads: string[] = [];
    const getBytes = p.store.getBytes;
    p.store.getBytes = async (key) => {
      reads.push(key);
      return getBytes(key);
    };
    ran = [];
    const again = await (await p.open()).run();
    expect(again.counts).toMatchObject({ ran: 0, cached: 4 });
    expect(ran).toEqual([]);
    expect(reads.filter((k) => (k.startsWith('cache/') && !k.startsWith(PACKS_PREFIX)) || k.startsWith('artifacts/'))).toEqual([]);
    // Served wholly by that pack, the rerun had nothing new to pack: the pack stays.
    expect(keysUnder(p.store, PACKS_PREFIX)).toEqual(packs);
  });

  it('a run that changes something writes the newest pack; a selection keeps the other hits', async () => {
    ran = [];
    const p = await project();
    await (await p.open()).run();
    const [first] = keysUnder(p.store, PACKS_PREFIX);
    const config = defineConfig({ actions: [source, square], params: { source: { n: 4 } }, plugins: [p.store, jsonHandler()] });
    const changed = await createAero({ cwd: p.cwd, config });
    await changed.run({ only: ['source'] });
    const packs = keysUnder(p.store, PACKS_PREFIX);
    expect(packs).toHaveLength(1);
    expect(packs[0]! > first!).toBe(true);
    // The selection ran source with n=4 (a new key) and kept the 4 hits of the first run.
    expect(Object.keys(parsePack(p.store.data.get(packs[0]!)!)!.hits)).toHaveLength(5);
  });

  it('records the checksum of each journal segment its hits cite; a rerun takes an unchanged segment as witness without parsing its records', async () => {
    const { p, packKey, pack } = await afterOneRun();
    const cited = [...new Set(Object.values(pack.hits).map((h) => h.journal!))];
    expect(cited).toHaveLength(1);
    const segment = p.store.data.get(cited[0]!)!.toString('utf8');
    // The checksum the pack recorded is the segment's own first line (the sha256 of the rest).
    expect(pack.segments).toEqual({ [cited[0]!]: segment.slice(0, 64) });
    // Every output of this inline run was committed in-process: its manifests are in the journal.
    expect(Object.values(pack.hits).every((h) => h.manifestsJournaled === true)).toBe(true);
    const records = segment.split('\n').length - 1;
    expect(records).toBe(4);

    const parsesOfRerun = async () => {
      const parse = vi.spyOn(JSON, 'parse');
      ran = [];
      const again = await (await p.open()).run();
      const count = parse.mock.calls.length;
      parse.mockRestore();
      expect(again.counts).toMatchObject({ ran: 0, cached: 4 });
      expect(ran).toEqual([]);
      return count;
    };
    const withChecksum = await parsesOfRerun();
    // The same pack without its checksums: the segment's four records are parsed, the hits are the same.
    const { segments: _dropped, ...withoutSegments } = pack;
    p.store.data.set(packKey, Buffer.from(formatPack(withoutSegments)));
    const withoutChecksum = await parsesOfRerun();
    expect(withoutChecksum - withChecksum).toBeGreaterThanOrEqual(records);
  });

  it('parses a cited segment whose checksum is not the recorded one, and serves only the hits its records back', async () => {
    const { p, pack } = await afterOneRun();
    expect(dropEntry(p.store, Object.values(pack.hits)[0]!.journal!, 'square[i=1]')).toBe(3);
    ran = [];
    const again = await (await p.open()).run();
    expect(again.counts).toMatchObject({ ran: 1, cached: 3 });
    expect(ran).toEqual(['square1']);
  });

  it('records no checksum for a segment that hits carried over unseen cite (a selection run): they were not checked against it', async () => {
    const { p, pack } = await afterOneRun();
    const segmentKey = Object.values(pack.hits)[0]!.journal!;
    // The segment loses square1's entry (rewritten whole, as gc does: another valid checksum).
    dropEntry(p.store, segmentKey, 'square[i=1]');
    // A selection run sees only source; the pack it writes carries the squares' hits over.
    ran = [];
    expect((await (await p.open()).run({ only: ['source'] })).counts).toMatchObject({ cached: 1 });
    const [second] = keysUnder(p.store, PACKS_PREFIX);
    const carried = parsePack(p.store.data.get(second!)!)!;
    expect(Object.keys(carried.hits)).toHaveLength(4);
    expect(carried.segments?.[segmentKey]).toBeUndefined();
    // So the next full run parses the segment again and reruns the instance whose entry is gone.
    ran = [];
    const full = await (await p.open()).run();
    expect(ran).toEqual(['square1']);
    expect(full.counts).toMatchObject({ ran: 1, cached: 3 });
  });

  it('is ignored when its checksum does not match (the per-key entries decide)', async () => {
    ran = [];
    const p = await project();
    await (await p.open()).run();
    const [key] = keysUnder(p.store, PACKS_PREFIX);
    const bytes = p.store.data.get(key!)!;
    p.store.data.set(key!, Buffer.concat([bytes, Buffer.from(' ')]));
    expect(parsePack(p.store.data.get(key!)!)).toBeUndefined();
    ran = [];
    expect((await (await p.open()).run()).counts).toMatchObject({ ran: 0, cached: 4 });
  });

  it('does not serve a hit whose blob is gone', async () => {
    ran = [];
    const p = await project();
    await (await p.open()).run();
    const pack = parsePack(p.store.data.get(keysUnder(p.store, PACKS_PREFIX)[0]!)!)!;
    const sq1 = Object.values(pack.manifests).find((m) => m.name === 'square.out' && m.partition?.i === 1)!;
    p.store.data.delete(`objects/sha256/${sq1.files[0]!.sha256.slice(0, 2)}/${sq1.files[0]!.sha256}`);
    ran = [];
    const again = await (await p.open()).run();
    expect(ran).toEqual(['square1']);
    expect(again.counts).toMatchObject({ ran: 1, cached: 3 });
  });

  it('are removed by --force before it overwrites entries, and by gc', async () => {
    ran = [];
    const p = await project();
    await (await p.open()).run();
    const before = keysUnder(p.store, PACKS_PREFIX);
    const aero = await p.open();
    let packsDuringRun: string[] | undefined;
    aero.on((e) => {
      if (e.type === 'action:start' && !packsDuringRun) packsDuringRun = keysUnder(p.store, PACKS_PREFIX);
    });
    expect((await aero.run({ force: true })).counts).toMatchObject({ ran: 4 });
    expect(packsDuringRun).toEqual([]);
    const after = keysUnder(p.store, PACKS_PREFIX);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    await gc(await p.open());
    expect(keysUnder(p.store, PACKS_PREFIX)).toEqual([]);
    // gc counts packs apart from cache entries, and keeps the live entries (in the journals).
    expect(new Set(journalEntries(p.store).map((e) => e.entry.key)).size).toBe(4);
  });

  it('a dry run reads packs but never writes one', async () => {
    ran = [];
    const p = await project();
    const dry = await (await p.open()).run({ dryRun: true });
    expect(dry.decisions.filter((d) => d.status === 'would-run')).toHaveLength(4);
    expect(keysUnder(p.store, PACKS_PREFIX)).toEqual([]);
  });

  it('round-trips through formatPack/parsePack and rejects other text', () => {
    const pack: CachePack = { schema: 1, runId: 'r', hits: { k: { outputs: { o: { name: 'a.o', digest: 'd' } }, runId: 'r', instanceId: 'a' } }, manifests: {} };
    expect(parsePack(Buffer.from(formatPack(pack)))).toEqual(pack);
    expect(parsePack(Buffer.from('{"schema":1}'))).toBeUndefined();
    expect(parsePack(null)).toBeUndefined();
  });
});

describe('presentKeys (what a pack\'s hits rely on, in few requests)', () => {
  const keys = ['cache/k1.json', 'cache/k2.json', 'artifacts/a.o/d1.json', 'artifacts/a.o/d2.json', 'objects/sha256/ab/ab1', 'objects/sha256/ab/ab2'];
  const seed = (store: ReturnType<typeof memoryStore>) => {
    for (const key of ['cache/k1.json', 'artifacts/a.o/d2.json', 'objects/sha256/ab/ab1', 'cache/other.json']) store.data.set(key, Buffer.from('x'));
  };
  const expected = new Set(['cache/k1.json', 'artifacts/a.o/d2.json', 'objects/sha256/ab/ab1']);

  it('lists cache/, artifacts/ and the shards of objects/ of a remote store instead of asking per key', async () => {
    const store = memoryStore();
    seed(store);
    const asked: string[] = [];
    const listed: string[] = [];
    const { has, list } = store;
    store.has = async (key) => (asked.push(key), has(key));
    store.list = (prefix) => (listed.push(prefix), list(prefix));
    expect(await presentKeys(store, keys, 2)).toEqual(expected);
    expect(listed.sort()).toEqual(['artifacts/', 'cache/', 'objects/sha256/ab/']);
    expect(asked).toEqual([]);
    // A shard with one asked blob is asked per key.
    listed.length = 0;
    expect(await presentKeys(store, [...keys, 'objects/sha256/cd/cd1'], 2)).toEqual(expected);
    expect(listed.sort()).toEqual(['artifacts/', 'cache/', 'objects/sha256/ab/']);
    expect(asked).toEqual(['objects/sha256/cd/cd1']);
    asked.length = 0;
    // Few keys: asked one by one, nothing listed.
    listed.length = 0;
    asked.length = 0;
    expect(await presentKeys(store, keys)).toEqual(expected);
    expect(listed).toEqual([]);
    expect(asked).toHaveLength(6);
  });
});

describe('ScratchPool (work dirs of in-process jobs)', () => {
  it('hands an emptied dir to the next job, keeping in/<n> and out/<name> but nothing deeper', async () => {
    const base = join(await mkdtemp(join(tmpdir(), 'aero-scratch-')), 'pool');
    const pool = new ScratchPool(base);
    const a = pool.acquire();
    await pool.ensureDir(join(a, 'out', 'model', 'deep'));
    await pool.ensureDir(join(a, 'in', '0'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(a, 'out', 'model', 'deep', 'w.bin'), 'x');
    await writeFile(join(a, 'in', '0', 'data.csv'), 'x');
    await writeFile(join(a, 'scratch.tmp'), 'x');
    const b = pool.acquire();
    expect(b).not.toBe(a); // a is still in use
    pool.release(a);
    expect(pool.acquire()).toBe(a);
    expect((await readdir(a)).sort()).toEqual(['in', 'out']);
    expect(await readdir(join(a, 'out', 'model'))).toEqual([]);
    expect(await readdir(join(a, 'in', '0'))).toEqual([]);
    // The removed deeper folder is made again when a later job asks for it.
    await pool.ensureDir(join(a, 'out', 'model', 'deep'));
    expect(existsSync(join(a, 'out', 'model', 'deep'))).toBe(true);
    await pool.retire(b, join(base, '..', 'failed', 'work'));
    expect(existsSync(join(base, '..', 'failed', 'work'))).toBe(true);
    await pool.dispose();
    expect(existsSync(base)).toBe(false);
  });
});
