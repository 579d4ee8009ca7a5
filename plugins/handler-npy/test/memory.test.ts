import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../src/index.js';
import { npyRef } from './python.js';
import { peakRss, sameFileBytes } from './big-files.js';

// Runs in its own worker process (vitest forks pool), so the peak RSS it sees is its own.
const GiB = 1024 ** 3;
let dir = '';
let big: { file: string; elements: number; size: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aero-npy-mem-'));
  big = await npyRef('big', join(dir, 'numpy-1gib-be.npy'), String(GiB));
}, 300_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

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
  const out = join(dir, 'aero-1gib-be.npy');
  await writeNpy(out, array, { byteOrder: 'big', chunkSize: 16 * 1024 * 1024 });
  const extraAfterWrite = peakRss() - rssBefore;
  expect(extraAfterWrite, `extra memory after writing: ${(extraAfterWrite / GiB).toFixed(3)} GiB`).toBeLessThanOrEqual(1.2 * payload);
  expect((await stat(out)).size).toBe(big.size);
  expect(await sameFileBytes(out, big.file)).toBe(true);
}, 300_000);
