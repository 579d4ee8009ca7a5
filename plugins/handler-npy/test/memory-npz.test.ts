import { expect, it } from 'vitest';
import { readNpz, writeNpz } from '../src/index.js';
import { npyRef } from './python.js';
import { GiB, peakRss, useNumpyGiB } from './big-files.js';

// Own worker process: the peak RSS it sees is its own.
const { tmp, big } = useNumpyGiB('bignpz', 'numpy-1gib.npz', 'aero-npz-mem-');

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

  const out = tmp.path('aero-1gib.npz');
  await writeNpz(out, { a }, { compression: 'stored' });
  const extraAfterWrite = peakRss() - rssBefore;
  expect(extraAfterWrite).toBeLessThanOrEqual(1.2 * GiB);
  const check = await npyRef<{ ok: boolean; detail: string }>('checkbig', out, String(big.elements));
  expect(check.detail).toBe('ok');
}, 300_000);
