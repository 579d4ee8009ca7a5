import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ndarray, npyHandlers } from '../src/index.js';

const dir = await mkdtemp(join(tmpdir(), 'npy-preview-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const [npy] = npyHandlers();

/** Width, height and grey pixels of an 8-bit grey PNG (one IDAT, filter 0 rows: what grayPng writes). */
function decodeGray(base64: string): { width: number; height: number; pixels: number[] } {
  const png = Buffer.from(base64, 'base64');
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idatAt = png.indexOf('IDAT');
  const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4)));
  const pixels: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.push(raw[y * (width + 1) + 1 + x]!);
  return { width, height, pixels };
}

describe('npy preview (aero ui)', () => {
  it('gives shape, dtype, stats and a grey thumbnail scaled min→black, max→white', async () => {
    const file = join(dir, 'a.npy');
    await npy.write(file, ndarray('float64', [2, 3], new Float64Array([0, 1, 2, 3, 4, 5])));
    const p = await npy.preview!(file);
    expect(p.summary).toEqual({ dtype: 'float64', shape: [2, 3], elements: 6, min: 0, max: 5, mean: 2.5, fortranOrder: false });
    expect(decodeGray(p.pngBase64!)).toEqual({ width: 3, height: 2, pixels: [0, 51, 102, 153, 204, 255] });
  });

  it('reads Fortran-order data in its own order, and shrinks large planes to 128 px', async () => {
    const f = join(dir, 'f.npy');
    await npy.write(f, ndarray('int32', [2, 3], new Int32Array([0, 3, 1, 4, 2, 5]), { fortranOrder: true }));
    expect(decodeGray((await npy.preview!(f)).pngBase64!).pixels).toEqual([0, 51, 102, 153, 204, 255]);
    const big = join(dir, 'big.npy');
    await npy.write(big, ndarray('float32', [512, 256], new Float32Array(512 * 256).map((_, i) => i)));
    const p = await npy.preview!(big);
    expect(decodeGray(p.pngBase64!)).toMatchObject({ width: 64, height: 128 });
  });

  it('1-D data has stats and no thumbnail; NaN is counted, not averaged', async () => {
    const file = join(dir, 'v.npy');
    await npy.write(file, ndarray('float64', [4], new Float64Array([1, Number.NaN, 3, 5])));
    const p = await npy.preview!(file);
    expect(p.summary).toEqual({ dtype: 'float64', shape: [4], elements: 4, min: 1, max: 5, mean: 3, nonFinite: 1, fortranOrder: false });
    expect(p.pngBase64).toBeUndefined();
  });
});
