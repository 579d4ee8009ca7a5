// The real aero engine running a partitioned pipeline whose artifacts are FITS files.
import { join } from 'node:path';
import { runEngineTwice, storedFiles, useTempDir } from '@aeroml/test-utils';
import { expect, it } from 'vitest';
import { defineAction, defineConfig } from '@aeroml/core';
import { localStore } from '@aeroml/store-local';
import { fitsHandler, fitsImage, getValue, type FitsImage } from '../src/index.js';
import { fitsRef, type RefFile } from './python.js';

const tmp = useTempDir('aero-fits-engine-');

// The docs example (docs/plugins/handler-fits.md): simulate maps per split, then summarize them.
const simulate = defineAction({
  name: 'simulate',
  partitions: { split: ['train', 'test'] },
  outputs: { map: { handler: 'fits', path: '{split}/map.fits' } },
  async run({ partition, outputs }) {
    const size = 8;
    const pixels = new Float32Array(size * size).map((_, i) => Math.sin(i) * (partition!['split'] === 'train' ? 1 : 2));
    await outputs.map.write(fitsImage(pixels, [size, size], { header: [{ key: 'SPLIT', value: String(partition!['split']), comment: 'data split' }] }));
  },
});

const summarize = defineAction({
  name: 'summarize',
  partitions: { split: ['train', 'test'] },
  inputs: { map: simulate.output('map') },
  outputs: { stats: { handler: 'fits', path: '{split}/stats.fits' } },
  async run({ inputs, outputs }) {
    const map = await inputs.map.read<FitsImage<Float32Array>>();
    const mean = map.data.reduce((a, b) => a + b, 0) / map.data.length;
    await outputs.stats.write({
      rows: 1,
      header: [{ key: 'SPLIT', value: getValue(map.header, 'SPLIT') ?? null }],
      columns: [
        { name: 'mean', dtype: 'float64', shape: [], data: Float64Array.of(mean) },
        { name: 'npix', dtype: 'int32', shape: [], data: Int32Array.of(map.data.length) },
      ],
    });
  },
});

it('runs a partitioned FITS pipeline through the engine; astropy reads the artifacts; a rerun is cached', async () => {
  const root = tmp.path();
  const { first, second } = await runEngineTwice(root, defineConfig({ project: 'fits', actions: [simulate, summarize], plugins: [localStore({ dir: '.aero', cwd: root }), fitsHandler({ checksum: true })] }));
  expect(first.status).toBe('succeeded');
  expect(first.counts.ran).toBe(4);
  expect(second.counts.cached).toBe(4);
  const objects = await storedFiles(localStore({ dir: '.aero', cwd: root }), join(root, '.aero'));
  const dumped = await fitsRef<RefFile[]>('dump', ...objects);
  expect(dumped.every((d) => d.ok)).toBe(true); // checksums verified by astropy
  const tables = dumped.filter((d) => d.hdus.length === 2);
  const images = dumped.filter((d) => d.hdus.length === 1);
  expect(images).toHaveLength(2);
  expect(tables).toHaveLength(2);
  const splits = tables.map((t) => t.hdus[1]!.cards.find((c) => c.key === 'SPLIT')!.value).map((v) => (v as { v: string }).v).sort();
  expect(splits).toEqual(['test', 'train']);
  for (const t of tables) expect(t.hdus[1]!.columns!.map((c) => [c.name, c.dtype])).toEqual([['mean', 'float64'], ['npix', 'int32']]);
});
