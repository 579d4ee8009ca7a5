import { open, stat } from 'node:fs/promises';
import { useTempDir } from '@aeroml/test-utils';
import { beforeAll, expect, it } from 'vitest';
import { readFits, writeFits, type FitsImage } from '../src/index.js';
import { fitsRef } from './python.js';

// Own worker process (vitest forks pool): the peak RSS it sees is its own.
const MiB = 1024 ** 2;
const SIZE = 256 * MiB;
const tmp = useTempDir('aero-fits-mem-');
let big: { file: string; elements: number; size: number };

beforeAll(async () => {
  big = await fitsRef('big', tmp.path('astropy-256mib.fits'), String(SIZE / 4));
}, 300_000);

/** Compares two files from `from` to the end, chunk by chunk. */
async function sameBytes(a: string, b: string, from: number): Promise<boolean> {
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const chunk = 16 * MiB;
    const [ba, bb] = [Buffer.alloc(chunk), Buffer.alloc(chunk)];
    for (let pos = from; ; pos += chunk) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, chunk, pos), fb.read(bb, 0, chunk, pos)]);
      if (ra.bytesRead !== rb.bytesRead || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
      if (ra.bytesRead === 0) return true;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

it('reads a 256 MiB float32 image in place (at most 1.2x its size in extra memory) and writes the same bytes astropy wrote', async () => {
  const rssBefore = process.memoryUsage().rss;
  const image = (await readFits(big.file)) as FitsImage;
  const extra = process.resourceUsage().maxRSS * 1024 - rssBefore;
  expect(image.data).toBeInstanceOf(Float32Array);
  expect(image.shape).toEqual([big.elements]);
  for (const i of [0, 1, 4_000_001, big.elements - 1]) expect(image.data[i]).toBe(Math.fround(i));
  expect(extra, `extra memory while reading: ${(extra / MiB).toFixed(0)} MiB`).toBeLessThanOrEqual(1.2 * SIZE);
  const out = tmp.path('aero.fits');
  await writeFits(out, image);
  expect(process.resourceUsage().maxRSS * 1024 - rssBefore).toBeLessThanOrEqual(1.2 * SIZE);
  expect((await stat(out)).size).toBe(big.size);
  // Both headers take one block; the data units (big-endian, chunk-swapped by aero) must match byte for byte.
  expect(await sameBytes(out, big.file, 2880)).toBe(true);
}, 300_000);
