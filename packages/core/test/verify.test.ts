import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineConfig, StoreKeys, storeCorruptError, verify, why } from '../src/index.js';
import { dirStore } from './dir-store.js';
import { jsonHandler, memoryStore, squaresPipeline } from './fixtures.js';
import { manifestsToFiles } from './journal-helpers.js';
import { formatSegment, isSegmentKey, parseSegment } from '../src/run/journal.js';

let ran: string[] = [];
const { source, square, total } = squaresPipeline((step) => ran.push(step));

async function localProject() {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-verify-'));
  const store = dirStore(join(cwd, '.aero'));
  const open = () => createAero({ cwd, config: defineConfig({ actions: [source, square, total], plugins: [store, jsonHandler()] }) });
  const first = await (await open()).run();
  ran = [];
  return { cwd, store, open, first };
}

describe('aero verify', () => {
  it('finds nothing wrong in a sound store', async () => {
    const p = await localProject();
    const report = await verify(await p.open());
    expect(report).toMatchObject({ dryRun: false, blobs: 5, manifests: 5, problems: [] });
    expect(report.bytes).toBeGreaterThan(0);
    expect(storeCorruptError(report, p.cwd, p.store)).toBeUndefined();
  });

  it('quarantines a corrupt blob so its producer reruns, and why says so before', async () => {
    const p = await localProject();
    const digest = p.first.record.actions.find((a) => a.id === 'square[i=2]')!.outputs!.out!;
    const manifest = await (await p.open()).artifacts.getManifest('square.out', digest);
    const blob = manifest.files[0]!;
    const blobKey = StoreKeys.blob(blob.sha256);
    await writeFile(join(p.cwd, '.aero', ...blobKey.split('/')), '5');

    const dry = await verify(await p.open(), { dryRun: true });
    expect(dry.problems).toEqual([{ kind: 'blob', key: blobKey, expected: blob.sha256, actual: expect.stringMatching(/^[0-9a-f]{64}$/), usedBy: [`square.out@${digest.slice(0, 12)}`] }]);
    expect(existsSync(join(p.cwd, '.aero', ...blobKey.split('/')))).toBe(true);
    expect(storeCorruptError(dry, p.cwd, p.store)).toMatchObject({
      code: 'STORE_CORRUPT',
      message: '1 stored item (1 blob, 0 manifests) did not match its digest; nothing was moved (dry run).',
      hint: 'Run `aero verify` to move them aside, then `aero run` to rebuild them from their producers.',
    });

    const report = await verify(await p.open());
    expect(report.problems[0]!.quarantinedAs).toBe(`quarantine/${blobKey}`);
    expect(await readFile(join(p.cwd, '.aero', 'quarantine', ...blobKey.split('/')), 'utf8')).toBe('5');
    expect(existsSync(join(p.cwd, '.aero', ...blobKey.split('/')))).toBe(false);
    expect(storeCorruptError(report, p.cwd, p.store)).toMatchObject({
      code: 'STORE_CORRUPT',
      message: '1 stored item (1 blob, 0 manifests) did not match its digest; it was moved to .aero/quarantine/ (not deleted).',
      hint: 'Run `aero run`: the actions that produced them run again and rewrite them.',
    });

    const [report2] = await why(await p.open(), 'square[i=2]');
    expect(report2!.reasons).toEqual([
      `the content of output \`out\` (${blob.path}) was quarantined by \`aero verify\`: its bytes did not match their digest`,
      'the next run reruns it and rewrites what is missing',
    ]);
    const rerun = await (await p.open()).run();
    expect(ran).toEqual(['square2']);
    expect(rerun.counts).toMatchObject({ ran: 1, cached: 4, failed: 0 });
    expect(await readFile(join(p.cwd, '.aero', ...blobKey.split('/')), 'utf8')).toBe('4');
    expect((await verify(await p.open())).problems).toEqual([]);
  });

  it('quarantines a manifest file that does not match its digest; the producer rewrites it', async () => {
    const p = await localProject();
    await manifestsToFiles(dirStore(join(p.cwd, '.aero')));
    const digest = p.first.record.actions.find((a) => a.id === 'total')!.outputs!.sum!;
    const key = StoreKeys.manifest('total.sum', digest);
    const path = join(p.cwd, '.aero', ...key.split('/'));
    await writeFile(path, (await readFile(path, 'utf8')).replace('"json"', '"text"'));
    const report = await verify(await p.open());
    expect(report.problems.map((x) => [x.kind, x.key, x.usedBy])).toEqual([['manifest', key, [`total.sum@${digest.slice(0, 12)}`]]]);
    expect((await (await p.open()).run()).counts).toMatchObject({ ran: 1, cached: 4 });
    expect(ran).toEqual(['total']);
    // Rewritten in this process: journaled with the new entry, no file again.
    expect(existsSync(path)).toBe(false);
    expect((await verify(await p.open())).problems).toEqual([]);
  });

  it('a journaled manifest that does not match its digest: its segment is quarantined and its entries rerun', async () => {
    const p = await localProject();
    const store = dirStore(join(p.cwd, '.aero'));
    const digest = p.first.record.actions.find((a) => a.id === 'total')!.outputs!.sum!;
    const segments: string[] = [];
    for await (const key of store.list('runs/')) if (isSegmentKey(key)) segments.push(key);
    let segment = '';
    let entries = 0;
    for (const key of segments) {
      const records = parseSegment(await store.getBytes(key))!;
      const record = records.find((r) => r.manifests?.[digest]);
      if (!record) continue;
      // A valid segment (its checksum is recomputed) holding a manifest under a wrong digest.
      record.manifests![digest] = { ...record.manifests![digest]!, handler: 'text' };
      await store.put(key, formatSegment(records));
      segment = key;
      entries = records.length;
    }
    expect(segment).not.toBe('');
    const report = await verify(await p.open());
    expect(report.problems.map((x) => [x.kind, x.key, x.usedBy])).toEqual([['manifest', segment, [`total.sum@${digest.slice(0, 12)}`]]]);
    expect(report.problems[0]!.quarantinedAs).toBe(`quarantine/${segment}`);
    ran = [];
    const rerun = await (await p.open()).run();
    expect(rerun.counts.ran).toBe(entries);
    expect(rerun.record.actions.map((a) => a.outputs)).toEqual(p.first.record.actions.map((a) => a.outputs));
    expect((await verify(await p.open())).problems).toEqual([]);
  });

  it('works through the Store contract alone (no local root): copy to quarantine/, then delete', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-verify-mem-'));
    const store = memoryStore();
    const open = () => createAero({ cwd, config: defineConfig({ actions: [source, square, total], plugins: [store, jsonHandler()] }) });
    const first = await (await open()).run();
    const digest = first.record.actions.find((a) => a.id === 'source')!.outputs!.values!;
    const blobKey = StoreKeys.blob((await (await open()).artifacts.getManifest('source.values', digest)).files[0]!.sha256);
    store.data.set(blobKey, Buffer.from('[7]'));
    const report = await verify(await open());
    expect(report.problems.map((x) => [x.key, x.quarantinedAs])).toEqual([[blobKey, `quarantine/${blobKey}`]]);
    expect(store.data.has(blobKey)).toBe(false);
    expect(store.data.get(`quarantine/${blobKey}`)!.toString()).toBe('[7]');
    expect(storeCorruptError(report, cwd, store)!.message).toBe('1 stored item (1 blob, 0 manifests) did not match its digest; it was moved to the store under quarantine/ (not deleted).');
    ran = [];
    // Source reruns; its output is the same, so everything downstream stays cached.
    expect((await (await open()).run()).counts).toMatchObject({ ran: 1, cached: 4 });
    expect(ran).toEqual(['source']);
  });
});
