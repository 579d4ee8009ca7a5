import { stat } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { readNpy, writeNpy } from '../src/index.js';
import { GiB, peakRss, sameFileBytes, useNumpyGiB } from './big-files.js';

// Runs in its own worker process (vitest forks pool), so the peak RSS it sees is its own.
const { tmp, big } = useNumpyGiB('big', 'numpy-1gib-be.npy', 'aero-npy-mem-');

it('reads a 1 GiB big-endian array with at most 1.2x its size in extra memory, then writes it back in chunks', async () => {
  const payload = big.elements * 4;
  expect(payload).toBe(GiB);
  const rssBefore = process.memoryUsage().rss;
  const array = await readNpy(big.file);
  const extraAfterRead = peakRss() - rssBefore;
  expect(array.dtype).toBe('float32');
  expect(array.shape).toEqual([big.elements]);
  const data = array.data as Float32Array;
  for (const i of [0, 1, 12_345, 16_777_217, big.elements - 1]) expect(data[i]).toBe(Math.fround(i));
  expect(extraAfterRead, `extra memory while reading: ${(extraAfterRead / GiB).toFixed(3)} GiB`).toBeLessThanOrEqual(1.2 * payload);

  // Writing big-endian swaps through one scratch chunk: the output equals numpy's file byte for byte.
  const out = tmp.path('aero-1gib-be.npy');
  await writeNpy(out, array, { byteOrder: 'big', chunkSize: 16 * 1024 * 1024 });
  const extraAfterWrite = peakRss() - rssBefore;
  expect(extraAfterWrite, `extra memory after writing: ${(extraAfterWrite / GiB).toFixed(3)} GiB`).toBeLessThanOrEqual(1.2 * payload);
  expect((await stat(out)).size).toBe(big.size);
  expect(await sameFileBytes(out, big.file)).toBe(true);
}, 300_000);
