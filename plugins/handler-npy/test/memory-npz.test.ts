import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readNpz, writeNpz } from '../src/index.js';
import { npyRef } from './python.js';
import { peakRss } from './big-files.js';

// Own worker process: the peak RSS it sees is its own.
const GiB = 1024 ** 3;
let dir = '';
let big: { file: string; elements: number; size: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aero-npz-mem-'));
  big = await npyRef('bignpz', join(dir, 'numpy-1gib.npz'), String(GiB));
}, 300_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('reads a 1 GiB array from a ZIP64 .npz (np.savez) in place with at most 1.2x its size in extra memory, and writes one numpy reads', async () => {
  const rssBefore = process.memoryUsage().rss;
  const arrays = await readNpz(big.file);
  const extra = peakRss() - rssBefore;
  const a = arrays['a']!;
  expect(a.dtype).toBe('float32');
  expect(a.shape).toEqual([big.elements]);
  const data = a.data as Float32Array;
  for (const i of [0, 7, 99_999, big.elements - 1]) expect(data[i]).toBe(Math.fround(i));
  expect(extra, `extra memory while reading: ${(extra / GiB).toFixed(3)} GiB`).toBeLessThanOrEqual(1.2 * GiB);

  const out = join(dir, 'aero-1gib.npz');
  await writeNpz(out, { a }, { compression: 'stored' });
  const extraAfterWrite = peakRss() - rssBefore;
  expect(extraAfterWrite).toBeLessThanOrEqual(1.2 * GiB);
  const check = await npyRef<{ ok: boolean; detail: string }>('checkbig', out, String(big.elements));
  expect(check.detail).toBe('ok');
}, 300_000);
