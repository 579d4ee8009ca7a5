import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactStore, createAero, defineConfig, StoreKeys, type CacheEntry } from '../src/index.js';
import { dirStore } from './dir-store.js';
import { jsonHandler, memoryStore, squaresPipeline } from './fixtures.js';

let ran: string[] = [];
const { source, square, total } = squaresPipeline((step) => ran.push(step));

async function tempDir(label: string) {
  return mkdtemp(join(tmpdir(), `aero-${label}-`));
}

/** Commits one file as artifact `a.out` and returns its manifest. */
async function commitOne(artifacts: ArtifactStore, content: string) {
  const dir = await tempDir('out');
  await writeFile(join(dir, 'v.json'), content);
  return artifacts.commitDirectory(dir, { name: 'a.out', handler: 'json', handlerVersion: '1' });
}

describe('a blob whose bytes do not match its digest never becomes an input', () => {
  it('a run fails the consumer with STORE_CORRUPT and caches nothing from it', async () => {
    const cwd = await tempDir('corrupt');
    const store = dirStore(join(cwd, '.aero'));
    const open = () => createAero({ cwd, config: defineConfig({ actions: [source, square, total], plugins: [store, jsonHandler()] }) });
    const first = await (await open()).run();
    const values = first.record.actions.find((a) => a.id === 'source')!.outputs!.values!;
    const manifest = await (await open()).artifacts.getManifest('source.values', values);
    const blob = manifest.files[0]!;
    await writeFile(join(cwd, '.aero', ...StoreKeys.blob(blob.sha256).split('/')), '[9,9,9]');
    const entriesBefore = await countEntries(store);
    ran = [];
    const summary = await (await open()).run({ only: ['square'], force: true });
    expect(ran).toEqual([]); // no square saw the corrupt values
    const failed = summary.record.actions.find((a) => a.status === 'failed')!;
    expect(failed.error?.code).toBe('STORE_CORRUPT');
    expect(failed.error?.message).toMatch(
      new RegExp(`^The stored content of ${blob.path} of source\\.values does not match its digest \\(expected sha256 ${blob.sha256.slice(0, 12)}, the bytes hash to [0-9a-f]{12}\\); it was not used as an input\\.`),
    );
    // (The engine appends where the instance's log is.)
    expect(failed.error?.hint?.startsWith('Run `aero verify` to move corrupt blobs aside, then `aero run` to rebuild them from their producers.')).toBe(true);
    expect(await countEntries(store)).toBe(entriesBefore);
  });

  it('a download that does not match is refused too (stores without a local root)', async () => {
    const store = memoryStore();
    const artifacts = new ArtifactStore(store);
    const { manifest } = await commitOne(artifacts, '[1]');
    store.data.set(StoreKeys.blob(manifest.files[0]!.sha256), Buffer.from('[2]'));
    const dest = await tempDir('in');
    await expect(new ArtifactStore(store).materialize(manifest, dest)).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      message: expect.stringMatching(/^The stored content of v\.json of a\.out does not match its digest/),
    });
    // The bad copy is not left where a reader could take it.
    await expect(stat(join(dest, 'v.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a stale file at the target is replaced by the stored content, the store’s own link is kept', async () => {
    const root = await tempDir('stale');
    const store = dirStore(join(root, 'store'));
    const artifacts = new ArtifactStore(store);
    const { manifest } = await commitOne(artifacts, '{"fresh":true}');
    const dest = await tempDir('dest');
    await writeFile(join(dest, 'v.json'), '{"stale":true}');
    const reader = new ArtifactStore(store);
    expect(await reader.materialize(manifest, dest)).toEqual([join(dest, 'v.json')]);
    expect(await readFile(join(dest, 'v.json'), 'utf8')).toBe('{"fresh":true}');
    const blobPath = join(root, 'store', ...StoreKeys.blob(manifest.files[0]!.sha256).split('/'));
    expect((await stat(join(dest, 'v.json'))).ino).toBe((await stat(blobPath)).ino);
    // Materialising again over the store's own link keeps it.
    await reader.materialize(manifest, dest);
    expect((await stat(join(dest, 'v.json'))).ino).toBe((await stat(blobPath)).ino);
  });
});

async function countEntries(store: ReturnType<typeof dirStore>): Promise<number> {
  let n = 0;
  for await (const key of store.list('cache/')) if (key.endsWith('.json')) n += (JSON.parse(Buffer.from((await store.getBytes(key))!).toString('utf8')) as CacheEntry).key ? 1 : 0;
  return n;
}
