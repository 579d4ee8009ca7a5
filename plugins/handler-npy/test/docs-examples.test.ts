// The snippets of docs/plugins/handler-npy.md and the README, run as written.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inspectNpy, ndarray, npyHandlers } from '../src/index.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aero-npy-docs-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('outside a pipeline (README Usage)', async () => {
  const [npy, npz] = npyHandlers();
  await npy.write(join(dir, 'a.npy'), ndarray('float64', [2, 2], Float64Array.of(1, 2, 3, 4)));
  const a = await npy.read(join(dir, 'a.npy'));
  expect(a).toEqual({ dtype: 'float64', shape: [2, 2], data: Float64Array.of(1, 2, 3, 4), fortranOrder: false });
  await npz.write(join(dir, 'b.npz'), { a, b: a }, { compression: 'deflated' });
  const some = await npz.read(join(dir, 'b.npz'), { arrays: ['b'] });
  expect(Object.keys(some)).toEqual(['b']);
  expect(await inspectNpy(join(dir, 'a.npy'))).toMatchObject({ dtype: 'float64', shape: [2, 2], version: '1.0', headerLength: 128, dataBytes: 32 });
});

it('archives (docs: Archives)', async () => {
  const [, npz] = npyHandlers({ compression: 'deflated' });
  const path = join(dir, 'weights.npz');
  await npz.write(path, { w: ndarray('float32', [3, 3]), b: ndarray('float32', [3]) });
  const { b } = await npz.read(path, { arrays: ['b'] });
  expect(b).toEqual(ndarray('float32', [3]));
});
