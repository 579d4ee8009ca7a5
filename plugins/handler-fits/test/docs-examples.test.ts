// The snippets of docs/plugins/handler-fits.md, run as written.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emptyPrimary, fitsHandler, fitsImage, getValue, type FitsFile, type FitsImage } from '../src/index.js';

let dir = '';
const fits = fitsHandler();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aero-fits-docs-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('scaled integers with BLANK (Images section)', async () => {
  const [ny, nx] = [2, 2];
  const temperatures = Float64Array.of(287.5, 300, Number.NaN, 312.25);
  const path = join(dir, 'temps.fits');
  await fits.write(path, fitsImage(temperatures, [ny, nx], { bitpix: 16, scale: { bscale: 0.01, bzero: 300 }, header: [{ key: 'BLANK', value: -32768 }] }));
  const back = (await fits.read(path)) as FitsImage;
  expect(back.bitpix).toBe(16);
  expect(back.data).toBeInstanceOf(Float32Array);
  expect([...(back.data as Float32Array)].map((x) => (Number.isNaN(x) ? 'NaN' : Math.round(x * 100) / 100))).toEqual([287.5, 300, 'NaN', 312.25]);
  const stored = (await fits.read(path, { scale: false })) as FitsImage;
  expect([...(stored.data as Int16Array)]).toEqual([-1250, 0, -32768, 1225]);
  // An integer image with BLANK but no scaling stays integer (astropy would give floats).
  const ints = join(dir, 'ints.fits');
  await fits.write(ints, fitsImage(Int16Array.of(1, -32768), [2], { header: [{ key: 'BLANK', value: -32768 }] }));
  expect(((await fits.read(ints)) as FitsImage).data).toEqual(Int16Array.of(1, -32768));
});

it('headers and several HDUs (Headers, Several HDUs sections)', async () => {
  const [ny, nx] = [2, 3];
  const sci = new Float32Array(ny * nx).fill(1);
  const err = new Float32Array(ny * nx).fill(0.1);
  const header = [
    { key: 'OBJECT', value: 'NGC 1275', comment: 'Perseus A' },
    { key: 'EXPTIME', value: 30, float: true, comment: 'seconds' },
    { key: 'HISTORY', value: 'made by aero' },
    { key: 'DESCRIP', value: 'x'.repeat(150) },
    { key: 'HIERARCH AERO RUN ID', value: 'abc123' },
  ];
  const path = join(dir, 'obs.fits');
  await fits.write(path, {
    hdus: [
      emptyPrimary([{ key: 'ORIGIN', value: 'aero' }]),
      fitsImage(sci, [ny, nx], { header: [{ key: 'EXTNAME', value: 'SCI' }, ...header] }),
      fitsImage(err, [ny, nx], { header: [{ key: 'EXTNAME', value: 'ERR' }] }),
    ],
  });
  expect(((await fits.read(path, { hdu: 'ERR' })) as FitsImage).data).toEqual(err);
  const s = (await fits.read(path, { hdu: { name: 'SCI', ver: 1 } })) as FitsImage;
  expect(getValue(s.header, 'EXPTIME')).toBe(30);
  expect(getValue(s.header, 'AERO RUN ID')).toBe('abc123');
  expect(getValue(s.header, 'DESCRIP')).toBe('x'.repeat(150));
  expect(((await fits.read(path, { hdu: 1 })) as FitsImage).data).toEqual(sci);
  expect(((await fits.read(path)) as FitsFile).hdus).toHaveLength(3);
});
