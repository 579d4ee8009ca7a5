// The handler inside a real aero pipeline (createAero + run): outputs are written through it,
// inputs read back through it, and a second run is served from the cache.
import { join } from 'node:path';
import { runEngineTwice, storedFiles, useTempDir } from '@aeroml/test-utils';
import { expect, it } from 'vitest';
import { defineAction, defineConfig } from '@aeroml/core';
import { localStore } from '@aeroml/store-local';
import { netpbmHandler, netpbmImage, type NetpbmImage } from '../src/index.js';

const tmp = useTempDir('aero-netpbm-engine-');

// The example of docs/guides/write-a-handler.md.
const gradient = defineAction({
  name: 'gradient',
  outputs: { image: { handler: 'netpbm', path: 'gradient.pgm' } },
  async run({ outputs }) {
    const image = netpbmImage(256, 16);
    image.data.forEach((_, i) => (image.data[i] = i % 256));
    await outputs.image.write(image);
  },
});

const invert = defineAction({
  name: 'invert',
  inputs: { image: gradient.output('image') },
  outputs: { image: { handler: 'netpbm', path: 'inverted.pgm' } },
  async run({ inputs, outputs }) {
    const source = await inputs.image.read<NetpbmImage>();
    const out = netpbmImage(source.width, source.height, { maxval: source.maxval });
    source.data.forEach((v, i) => (out.data[i] = source.maxval - v));
    await outputs.image.write(out);
  },
});

it('runs gradient -> invert through the engine, then serves both from the cache', async () => {
  const root = tmp.path();
  const config = defineConfig({ project: 'netpbm', actions: [gradient, invert], plugins: [localStore({ dir: '.aero', cwd: root }), netpbmHandler()] });
  const { first, second } = await runEngineTwice(root, config);
  expect(first.status).toBe('succeeded');
  expect(first.counts.ran).toBe(2);
  expect(second.counts.cached).toBe(2);
  const blobs = await storedFiles(localStore({ dir: '.aero', cwd: root }), join(root, '.aero'));
  const images = await Promise.all(blobs.map((b) => netpbmHandler().read(b)));
  const inverted = images.find((img) => img.data[0] === 255)!;
  expect(inverted.data[255]).toBe(0);
  expect([inverted.width, inverted.height]).toEqual([256, 16]);
});
