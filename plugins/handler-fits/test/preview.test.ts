import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitsHandler, fitsImage } from '../src/index.js';

const dir = await mkdtemp(join(tmpdir(), 'fits-preview-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const fits = fitsHandler();

describe('fits preview (aero ui)', () => {
  it('lists the HDUs and gives the image shape, BITPIX, stats and a PNG thumbnail', async () => {
    const file = join(dir, 'map.fits');
    await fits.write(file, fitsImage(new Float32Array([0, 1, 2, 3, 4, 5]), [2, 3]));
    const p = await fits.preview!(file);
    expect(p.summary).toEqual({ dtype: 'float32', shape: [2, 3], elements: 6, min: 0, max: 5, mean: 2.5, bitpix: -32, hdus: ['0: image [2, 3]'] });
    const png = Buffer.from(p.pngBase64!, 'base64');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([3, 2]);
  });
});
