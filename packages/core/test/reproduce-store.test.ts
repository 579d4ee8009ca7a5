import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, exportArtifacts, gc, overlayStore, tagArtifact, valueChanges, type Action } from '../src/index.js';
import { dirStore } from './dir-store.js';
import { jsonHandler, memoryStore } from './fixtures.js';

function pipeline(): Action[] {
  const make = defineAction({
    name: 'make', version: '1', params: z.object({ v: z.number().default(1) }), partitions: { split: ['a', 'b'] },
    outputs: { out: { handler: 'json', path: '{split}/out.json' } },
    async run({ params, partition, outputs }) { await outputs.out.write({ v: params.v, split: partition!.split }); },
  });
  return [make];
}

describe('gc and tags', () => {
  it('keeps the versions a tag names after the runs that made them are no longer kept', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-gc-tags-'));
    const store = memoryStore();
    const open = (overrides: string[]) => createAero({ cwd, overrides, config: defineConfig({ actions: pipeline(), plugins: [store, jsonHandler()] }) });
    const old = await (await open(['make.v=1'])).run();
    await tagArtifact(await open([]), 'make.out', 'first');
    await (await open(['make.v=2'])).run();
    const report = await gc(await open([]), { keepRuns: 1 });
    expect(report.removedManifests).toBe(0); // the tagged v=1 versions stay
    for (const entry of old.record.actions) expect(store.data.has(`artifacts/make.out/${entry.outputs!.out}.json`)).toBe(true);
  });
});

describe('overlayStore (aero rerun scratch)', () => {
  it('reads blobs and manifests from the project, keeps every write and every other key in the scratch store', async () => {
    const base = memoryStore();
    const scratch = memoryStore();
    await base.put('objects/sha256/ab/abc', 'blob');
    await base.put('cache/k.json', '{}');
    const overlay = overlayStore(base, scratch);
    expect(Buffer.from((await overlay.getBytes('objects/sha256/ab/abc'))!).toString()).toBe('blob');
    expect(await overlay.has('cache/k.json')).toBe(false); // the project's cache is not read
    expect(await overlay.put('objects/sha256/ab/abc', 'blob', { ifAbsent: true })).toEqual({ written: false });
    await overlay.put('cache/new.json', '{"x":1}');
    await overlay.put('objects/sha256/cd/cde', 'new');
    expect([...base.data.keys()].sort()).toEqual(['cache/k.json', 'objects/sha256/ab/abc']); // nothing written to the project
    expect([...scratch.data.keys()].sort()).toEqual(['cache/new.json', 'objects/sha256/cd/cde']);
    const listed: string[] = [];
    for await (const k of overlay.list('objects/')) listed.push(k);
    expect(listed.sort()).toEqual(['objects/sha256/ab/abc', 'objects/sha256/cd/cde']);
    await overlay.delete('objects/sha256/ab/abc');
    expect(base.data.has('objects/sha256/ab/abc')).toBe(true);
  });
});

describe('valueChanges (aero diff params)', () => {
  it('lists the leaf paths that differ, with unset sides', () => {
    expect(valueChanges({ prep: { n: 3, k: [1] }, a: 1 }, { prep: { n: 5, k: [1] }, b: 2 }, '')).toEqual([
      { path: 'a', before: 1, after: undefined },
      { path: 'b', before: undefined, after: 2 },
      { path: 'prep.n', before: 3, after: 5 },
    ]);
  });
});

describe('exportArtifacts', () => {
  it('hard-links from a local store, with a layout; an identical file is left, a stale one replaced', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-export-'));
    const store = dirStore(join(cwd, 'store'));
    const aero = await createAero({ cwd, config: defineConfig({ actions: pipeline(), plugins: [store, jsonHandler()] }) });
    const run = await aero.run();
    const first = await exportArtifacts(aero, { target: 'make', to: 'out', layout: '{output}-{split}.{ext}' });
    expect(first.runId).toBe(run.runId);
    expect(first.files.map((f) => [f.path, f.status])).toEqual([['out-a.json', 'written'], ['out-b.json', 'written']]);
    expect(JSON.parse(await readFile(join(cwd, 'out/out-b.json'), 'utf8'))).toEqual({ v: 1, split: 'b' });
    expect((await stat(join(cwd, 'out/out-a.json'))).nlink).toBeGreaterThan(1);
    const second = await exportArtifacts(aero, { target: 'make.out', to: 'out', layout: '{output}-{split}.{ext}', copy: true });
    expect(second.counts).toEqual({ written: 0, replaced: 0, unchanged: 2 });
  });
});
