import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKS_PREFIX } from '../src/cache/pack.js';
import { createAero, defineConfig, lineage, why } from '../src/index.js';
import { jsonHandler, memoryStore, squaresPipeline } from './fixtures.js';
import { dropEntry, entryOf, journaledManifest, journalEntries, manifestsToFiles } from './journal-helpers.js';

let ran: string[] = [];
const { source, square, total } = squaresPipeline((step) => ran.push(step));

async function project() {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-backing-'));
  const store = memoryStore();
  const config = defineConfig({ actions: [source, square, total], plugins: [store, jsonHandler()] });
  const open = () => createAero({ cwd, config });
  await (await open()).run();
  ran = [];
  return { store, open };
}


describe('a cache hit needs its entry, every manifest and every blob (a pack alone is no hit)', () => {
  it('a deleted cache entry: the instance reruns, says why, and the entry is written again', async () => {
    const p = await project();
    const { key } = entryOf(p.store, 'square[i=1]').entry;
    dropEntry(p.store, key);
    const summary = await (await p.open()).run();
    expect(ran).toEqual(['square1']);
    // Same output as before: downstream stays cached (early cut-off).
    expect(summary.counts).toMatchObject({ ran: 1, cached: 4 });
    const decision = summary.decisions.find((d) => d.instanceId === 'square[i=1]')!;
    expect(decision).toEqual({
      instanceId: 'square[i=1]',
      status: 'ran',
      reason: `rerun because its cache entry is missing from the store (a cache pack lists key ${key.slice(0, 12)}, but a pack alone is no hit); rewritten`,
    });
    // Journaled again, by the run that reran it.
    expect(journalEntries(p.store).filter((e) => e.entry.key === key).map((e) => e.entry.runId)).toEqual([summary.runId]);
    ran = [];
    expect((await (await p.open()).run()).counts).toMatchObject({ ran: 0, cached: 5 });
  });

  it('manifests of outputs made in this process are journaled with their entry, not written as files', async () => {
    const p = await project();
    const { entry } = entryOf(p.store, 'square[i=2]');
    const out = entry.outputs.out!;
    expect(p.store.data.has(`artifacts/${out.name}/${out.digest}.json`)).toBe(false);
    expect(journaledManifest(p.store, out.digest)).toMatchObject({ name: 'square.out', partition: { i: 2 } });
    // Dropping the record drops entry and manifest together: the instance reruns and journals both again.
    dropEntry(p.store, entry.key);
    expect(journaledManifest(p.store, out.digest)).toBeUndefined();
    const summary = await (await p.open()).run();
    expect(ran).toEqual(['square2']);
    expect(summary.counts).toMatchObject({ ran: 1, cached: 4 });
    expect(journaledManifest(p.store, out.digest)).toMatchObject({ name: 'square.out' });
    const node = await lineage(await p.open(), `square.out@${out.digest.slice(0, 12)}`);
    expect(node.producedBy).toMatchObject({ instanceId: 'square[i=2]', runId: summary.runId });
  });

  it('a deleted manifest file (written by a worker, or by an older aero): the producer reruns, the manifest is back and lineage finds the artifact', async () => {
    const p = await project();
    await manifestsToFiles(p.store);
    const { entry } = entryOf(p.store, 'square[i=2]');
    const out = entry.outputs.out!;
    const manifestKey = `artifacts/${out.name}/${out.digest}.json`;
    p.store.data.delete(manifestKey);
    const summary = await (await p.open()).run();
    expect(ran).toEqual(['square2']);
    expect(summary.decisions.find((d) => d.instanceId === 'square[i=2]')!.reason).toBe(
      `rerun because the manifest of output \`out\` (square.out@${out.digest.slice(0, 12)}) is missing from the store; rewritten`,
    );
    // Rewritten by this run, journaled with the new entry.
    expect(journaledManifest(p.store, out.digest)).toMatchObject({ name: 'square.out' });
    const node = await lineage(await p.open(), `square.out@${out.digest.slice(0, 12)}`);
    expect(node.producedBy).toMatchObject({ instanceId: 'square[i=2]', runId: summary.runId });
  });

  it('without a pack, the per-key lookup checks manifests too (a manifest in memory is not enough)', async () => {
    const p = await project();
    await manifestsToFiles(p.store);
    for (const key of [...p.store.data.keys()]) if (key.startsWith(PACKS_PREFIX)) p.store.data.delete(key);
    const { entry } = entryOf(p.store, 'square[i=0]');
    const out = entry.outputs.out!;
    p.store.data.delete(`artifacts/${out.name}/${out.digest}.json`);
    const aero = await p.open();
    // The manifest is in memory (as after a read), yet the store lacks it.
    aero.artifacts.remember(out.digest, { schema: 1, name: out.name, handler: 'json', handlerVersion: '1.0.0', files: [] });
    expect(await aero.lookupCache(entry.key)).toBeUndefined();
    expect((await aero.inspectCache(entry.key)).problems).toEqual([`the manifest of output \`out\` (square.out@${out.digest.slice(0, 12)}) is missing from the store`]);
    const summary = await aero.run();
    expect(ran).toEqual(['square0']);
    expect(summary.counts).toMatchObject({ ran: 1, cached: 4 });
  });

  it('a dry run names the missing piece instead of an older change', async () => {
    const p = await project();
    const { entry } = entryOf(p.store, 'total');
    const blob = (await (await p.open()).artifacts.getManifest(entry.outputs.sum!.name, entry.outputs.sum!.digest)).files[0]!;
    p.store.data.delete(`objects/sha256/${blob.sha256.slice(0, 2)}/${blob.sha256}`);
    const dry = await (await p.open()).run({ dryRun: true });
    expect(dry.decisions.find((d) => d.instanceId === 'total')).toEqual({
      instanceId: 'total',
      status: 'would-run',
      reason: `the content of output \`sum\` (${blob.path}) is missing from the store`,
    });
    const [report] = await why(await p.open(), 'total');
    expect(report).toMatchObject({ decision: 'would-run', reasons: [`the content of output \`sum\` (${blob.path}) is missing from the store`, 'the next run reruns it and rewrites what is missing'] });
  });
});
