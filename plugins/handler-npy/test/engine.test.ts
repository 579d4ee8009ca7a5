// The real aero engine running a two-action pipeline whose artifact is an .npy array.
import { join } from 'node:path';
import { runEngineTwice, storedFiles, useTempDir } from '@aeroml/test-utils';
import { expect, it } from 'vitest';
import { defineAction, defineConfig } from '@aeroml/core';
import { localStore } from '@aeroml/store-local';
import { ndarray, npyHandlers, type NDArray } from '../src/index.js';
import { npyRef, type RefArray } from './python.js';

const tmp = useTempDir('aero-npy-engine-');

// The docs example (docs/plugins/handler-npy.md): an action writes an array, another reads it.
const embed = defineAction({
  name: 'embed',
  outputs: { vectors: { handler: 'npy' } },
  async run({ outputs }) {
    const vectors = ndarray('float32', [4, 3]);
    vectors.data.forEach((_, i) => (vectors.data[i] = i / 2));
    await outputs.vectors.write(vectors);
  },
});

const norms = defineAction({
  name: 'norms',
  inputs: { vectors: embed.output('vectors') },
  outputs: { norms: { handler: 'npy' } },
  async run({ inputs, outputs }) {
    const v = await inputs.vectors.read<NDArray<'float32'>>();
    const [rows, cols] = v.shape as [number, number];
    const out = ndarray('float64', [rows]);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += v.data[r * cols + c]! ** 2;
      out.data[r] = Math.sqrt(s);
    }
    await outputs.norms.write(out);
  },
});

it('runs a pipeline through the engine; numpy reads the artifacts; a rerun is cached', async () => {
  const root = tmp.path();
  const { first, second } = await runEngineTwice(root, defineConfig({ project: 'npy', actions: [embed, norms], plugins: [localStore({ dir: '.aero', cwd: root }), npyHandlers()] }));
  expect(first.status).toBe('succeeded');
  expect(second.counts.cached).toBe(2);
  // Find the blobs of the two artifacts and let numpy read them.
  const objects = await storedFiles(localStore({ dir: '.aero', cwd: root }), join(root, '.aero'));
  const dumped = await npyRef<Array<RefArray & { file: string }>>('dump', ...objects);
  const byDtype = Object.fromEntries(dumped.map((d) => [d.dtype, d]));
  expect(byDtype['float32']!.shape).toEqual([4, 3]);
  expect(byDtype['float64']!.shape).toEqual([4]);
  const row = (r: number) => [0, 1, 2].map((c) => (r * 3 + c) / 2);
  expect(byDtype['float64']!.values!.map(Number)).toEqual([0, 1, 2, 3].map((r) => Math.sqrt(row(r).reduce((s, x) => s + x ** 2, 0))));
});
