import { useTempDir } from '@aeroml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  emptyPrimary,
  fitsHandler,
  fitsImage,
  getValue,
  readFits,
  type FitsCard,
  type FitsFile,
  type FitsHDU,
  type FitsImage,
  type FitsTable,
} from '../src/index.js';
import { fitsRef, type RefCard, type RefFile, type RefHdu, type RefValue } from './python.js';

interface Manifest {
  astropy: string;
  files: Record<string, RefFile>;
}

const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|GROUPS|TFIELDS|THEAP|CHECKSUM|DATASUM)$/;
const COLUMN = /^(TTYPE|TFORM|TUNIT|TSCAL|TZERO|TNULL|TDIM|TDISP)\d+$/;

const ARRAY_DTYPES: Record<string, string> = {
  Uint8Array: 'uint8',
  Int8Array: 'int8',
  Int16Array: 'int16',
  Uint16Array: 'uint16',
  Int32Array: 'int32',
  Uint32Array: 'uint32',
  BigInt64Array: 'int64',
  BigUint64Array: 'uint64',
  Float32Array: 'float32',
  Float64Array: 'float64',
};

/** astropy's cards minus what aero derives from the data (structural, column and scaling keywords). */
function refUserCards(hdu: RefHdu): RefCard[] {
  return hdu.cards.filter((c) => !STRUCTURAL.test(c.key) && !(hdu.columns ? COLUMN.test(c.key) : c.key === 'BSCALE' || c.key === 'BZERO'));
}

function encodeValue(card: FitsCard): RefValue {
  const v = card.value;
  if (v === null) return { t: 'null' };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'bigint') return { t: 'int', v: v.toString() };
  if (typeof v === 'number') return Number.isInteger(v) && !card.float && !Object.is(v, -0) ? { t: 'int', v: String(v) } : { t: 'float', v };
  if (typeof v === 'string') return { t: 'str', v };
  return { t: 'complex', v: [v.re, v.im] };
}

function encodeCards(cards: FitsCard[]): RefCard[] {
  return cards.map((c) => ({ key: c.key, value: encodeValue(c), comment: c.comment ?? '' }));
}

/** base64 → a fresh ArrayBuffer holding exactly those bytes. */
const unb64 = (text: string) => Uint8Array.from(Buffer.from(text, 'base64')).buffer;
const b64 = (data: ArrayBufferView) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');

/** Asserts an aero HDU equals what astropy read: header cards, dtype, shape and exact element bytes. */
function expectSameHdu(hdu: FitsHDU, ref: RefHdu, what: string): void {
  expect(encodeCards(hdu.header), `${what}: header cards`).toEqual(refUserCards(ref));
  if (ref.columns) {
    const table = hdu as FitsTable;
    expect(table.rows, `${what}: rows`).toBe(ref.rows);
    expect(table.columns.map((c) => c.name), `${what}: column names`).toEqual(ref.columns.map((c) => c.name));
    for (const [i, col] of ref.columns.entries()) {
      const mine = table.columns[i]!;
      const label = `${what}: column ${col.name}`;
      expect(mine.format, label).toBe(col.format);
      expect(mine.unit ?? '', label).toBe(col.unit);
      expect([table.rows, ...mine.shape], `${label} shape`).toEqual(col.shape);
      if (col.dtype === 'string') {
        expect(mine.data, label).toEqual(col.strings);
      } else {
        expect(mine.dtype, `${label} dtype`).toBe(col.dtype);
        expect(b64(mine.data as ArrayBufferView), `${label} values`).toBe(col.bytes);
      }
    }
    return;
  }
  const image = hdu as FitsImage;
  expect(image.bitpix, `${what}: bitpix`).toBe(ref.bitpix);
  if (!ref.data) {
    expect(image.shape, `${what}: shape of an HDU without data`).toEqual([]);
    expect(image.data.length).toBe(0);
    return;
  }
  expect(ARRAY_DTYPES[image.data.constructor.name], `${what}: dtype`).toBe(ref.data.dtype);
  expect(image.shape, `${what}: shape`).toEqual(ref.data.shape);
  expect(b64(image.data), `${what}: values`).toBe(ref.data.bytes);
}

const tmp = useTempDir('aero-fits-x-');
let manifest: Manifest;
const fits = fitsHandler();

beforeAll(async () => {
  manifest = await fitsRef<Manifest>('make', tmp.path());
});

describe('astropy writes, aero reads', () => {
  it('reads every HDU of every case with astropy’s header cards, dtypes, shapes and exact values', async () => {
    const names = Object.keys(manifest.files);
    expect(names.length).toBeGreaterThanOrEqual(18);
    for (const [name, ref] of Object.entries(manifest.files)) {
      const file = (await fits.read(ref.file, { all: true })) as FitsFile;
      expect(file.hdus.length, name).toBe(ref.hdus.length);
      ref.hdus.forEach((refHdu, i) => expectSameHdu(file.hdus[i]!, refHdu, `${name} HDU ${i}`));
    }
  });

  it('covers BITPIX 8/16/32/64/-32/-64, unsigned conventions, scaling with BLANK, and every numeric column type', () => {
    const bitpixes = new Set(Object.values(manifest.files).flatMap((f) => f.hdus.map((h) => h.bitpix)));
    for (const b of [8, 16, 32, 64, -32, -64]) expect(bitpixes).toContain(b);
    const dtypes = new Set(Object.values(manifest.files).flatMap((f) => f.hdus.map((h) => h.data?.dtype)));
    for (const d of ['uint16', 'uint32', 'uint64', 'int8']) expect(dtypes).toContain(d);
    const formats = manifest.files['table.fits']!.hdus[1]!.columns!.map((c) => c.format);
    expect(formats).toEqual(expect.arrayContaining(['L', '11X', 'B', 'I', 'J', 'K', 'E', 'D', 'C', 'M', '3E', '6D', '8A']));
  });

  it('selects HDUs by index, EXTNAME and EXTNAME+EXTVER; by default returns what was written', async () => {
    const ref = manifest.files['multi.fits']!;
    expectSameHdu(await fits.read(ref.file, { hdu: 2 }) as FitsHDU, ref.hdus[2]!, 'index 2');
    expectSameHdu(await fits.read(ref.file, { hdu: 'sci' }) as FitsHDU, ref.hdus[1]!, "'sci'");
    expectSameHdu(await fits.read(ref.file, { hdu: { name: 'SCI', ver: 2 } }) as FitsHDU, ref.hdus[3]!, 'SCI ver 2');
    expectSameHdu(await fits.read(ref.file, { hdu: 'CAT' }) as FitsHDU, ref.hdus[4]!, 'CAT');
    // Several HDUs: the default read returns them all.
    const all = (await fits.read(ref.file)) as FitsFile;
    expect(all.hdus).toHaveLength(5);
    // A table after an empty primary (what writing a lone table produces) reads back as the table.
    const table = manifest.files['table.fits']!;
    expectSameHdu(await fits.read(table.file) as FitsHDU, table.hdus[1]!, 'lone table');
    const primary = (await fits.read(ref.file, { hdu: 0 })) as FitsImage;
    expect(getValue(primary.header, 'OBSERVER')).toBe('aero');
  });

  it('reads binary-table columns selectively', async () => {
    const ref = manifest.files['table.fits']!;
    const table = (await fits.read(ref.file, { columns: ['f64', 'u16'] })) as FitsTable;
    expect(table.columns.map((c) => c.name)).toEqual(['f64', 'u16']);
    expect(table.columns[1]!.data).toBeInstanceOf(Uint16Array);
    const scaled = ((await fits.read(ref.file)) as FitsTable).columns.find((c) => c.name === 'scaled')!;
    expect([...(scaled.data as Float64Array)]).toEqual([10, 10.5, -5, 1000, 0]);
    expect(scaled.scale).toEqual({ bscale: 0.5, bzero: 10 });
  });

  it('gives scaled images as physical values, or stored values with scale: false', async () => {
    const ref = manifest.files['scaled-blank.fits']!;
    const physical = (await fits.read(ref.file)) as FitsImage;
    expect(physical.data).toBeInstanceOf(Float32Array);
    expect(physical.scale).toEqual({ bscale: 0.5, bzero: 3 });
    expect(Number.isNaN(physical.data[6] as number)).toBe(true); // BLANK pixel [1, 2]
    const stored = (await fits.read(ref.file, { scale: false })) as FitsImage;
    expect(stored.data).toBeInstanceOf(Int16Array);
    expect(stored.data[6]).toBe(-32768);
    expect(stored.header.map((c) => c.key)).toEqual(['BSCALE', 'BZERO', 'BLANK']);
    expect(stored.scale).toBeUndefined();
  });

  it('verifies astropy-written CHECKSUM/DATASUM in every HDU', async () => {
    const ref = manifest.files['checksum.fits']!;
    expect(ref.hdus.every((h) => h.cards.some((c) => c.key === 'CHECKSUM') && h.cards.some((c) => c.key === 'DATASUM'))).toBe(true);
    const file = (await readFits(ref.file, { all: true, verifyChecksums: true })) as FitsFile;
    expect(file.hdus).toHaveLength(3);
  });
});

describe('aero writes, astropy reads', () => {
  it('writes every case back (with and without checksums) so astropy reads the same cards, dtypes, shapes and values', async () => {
    const written: Array<{ name: string; path: string }> = [];
    for (const [name, ref] of Object.entries(manifest.files)) {
      const value = (await fits.read(ref.file, { all: true })) as FitsFile;
      for (const checksum of [false, true]) {
        const path = tmp.path(`aero-${checksum ? 'sum-' : ''}${name}`);
        await fits.write(path, value, { checksum });
        written.push({ name, path });
      }
    }
    const dumped = await fitsRef<RefFile[]>('dump', ...written.map((w) => w.path));
    for (const [i, w] of written.entries()) {
      const got = dumped[i]!;
      expect(got.error, `${w.path}: astropy could not read it`).toBeUndefined();
      expect(got.ok, w.path).toBe(true);
      const ref = manifest.files[w.name]!;
      expect(got.hdus.length, w.path).toBe(ref.hdus.length);
      ref.hdus.forEach((refHdu, k) => {
        const mine = got.hdus[k]!;
        const label = `${w.path} HDU ${k}`;
        expect(refUserCards(mine), `${label}: header cards`).toEqual(refUserCards(refHdu));
        if (refHdu.columns) expect(mine.columns, `${label}: columns`).toEqual(refHdu.columns);
        else expect(mine.data, `${label}: data`).toEqual(refHdu.data);
        expect(mine.kind, label).toBe(refHdu.kind);
        expect(mine.bitpix, label).toBe(refHdu.bitpix);
        if (w.path.includes('aero-sum-')) expect(mine.cards.map((c) => c.key), label).toEqual(expect.arrayContaining(['CHECKSUM', 'DATASUM']));
      });
    }
  });

  it('writes JavaScript-built images, tables and headers that astropy reads as intended', async () => {
    const path = tmp.path('js-built.fits');
    const header: FitsCard[] = [
      { key: 'OBJECT', value: 'NGC 1275', comment: 'Perseus A' },
      { key: 'EXPTIME', value: 30, float: true, comment: 'seconds' },
      { key: 'NCOMBINE', value: 5 },
      { key: 'history', value: 'made by aero' },
      { key: 'DESCRIP', value: 'x'.repeat(150), comment: 'a long string and a long comment: ' + 'words '.repeat(20).trim() },
      { key: 'HIERARCH AERO RUN ID', value: 'abc123' },
    ];
    const value: FitsFile = {
      hdus: [
        emptyPrimary([{ key: 'ORIGIN', value: 'aero' }]),
        fitsImage(Uint16Array.of(0, 1, 65535, 32768, 42, 7), [2, 3], { header: [{ key: 'EXTNAME', value: 'RAW' }, ...header] }),
        fitsImage(Float32Array.of(0.25, 1000, -3.5, Number.NaN), [4], { bitpix: 16, scale: { bscale: 0.25, bzero: 100 }, header: [{ key: 'EXTNAME', value: 'QUANT' }, { key: 'BLANK', value: -32768 }] }),
        {
          rows: 3,
          header: [{ key: 'EXTNAME', value: 'CAT' }],
          columns: [
            { name: 'id', dtype: 'int64', shape: [], data: BigInt64Array.of(1n, 2n, 3n) },
            { name: 'ok', dtype: 'bool', shape: [], data: Uint8Array.of(1, 0, 1) },
            { name: 'flux', dtype: 'float32', shape: [2], data: Float32Array.of(1, 2, 3, 4, 5, 6), unit: 'Jy' },
            { name: 'label', dtype: 'string', shape: [], data: ['a', 'bb', 'ccc'] },
            { name: 'u', dtype: 'uint32', shape: [], data: Uint32Array.of(0, 4294967295, 7) },
            { name: 's8', dtype: 'int8', shape: [], data: Int8Array.of(-128, 0, 127) },
          ],
        },
      ],
    };
    await fits.write(path, value, { checksum: true });
    const [got] = await fitsRef<RefFile[]>('dump', path);
    expect(got!.error).toBeUndefined();
    const [primary, raw, quant, cat] = got!.hdus;
    expect(primary!.data).toBeNull();
    expect(refUserCards(primary!)).toEqual([{ key: 'ORIGIN', value: { t: 'str', v: 'aero' }, comment: '' }]);
    expect(raw!.data!.dtype).toBe('uint16');
    expect(raw!.data!.shape).toEqual([2, 3]);
    expect(Buffer.from(raw!.data!.bytes, 'base64')).toEqual(Buffer.from(Uint16Array.of(0, 1, 65535, 32768, 42, 7).buffer));
    expect(refUserCards(raw!).slice(1)).toEqual([
      { key: 'OBJECT', value: { t: 'str', v: 'NGC 1275' }, comment: 'Perseus A' },
      { key: 'EXPTIME', value: { t: 'float', v: 30 }, comment: 'seconds' },
      { key: 'NCOMBINE', value: { t: 'int', v: '5' }, comment: '' },
      { key: 'HISTORY', value: { t: 'str', v: 'made by aero' }, comment: '' },
      { key: 'DESCRIP', value: { t: 'str', v: 'x'.repeat(150) }, comment: 'a long string and a long comment: ' + 'words '.repeat(20).trim() },
      { key: 'AERO RUN ID', value: { t: 'str', v: 'abc123' }, comment: '' },
    ]);
    expect(quant!.bitpix).toBe(16);
    expect(quant!.data!.dtype).toBe('float32');
    const q = new Float32Array(unb64(quant!.data!.bytes));
    expect([...q.slice(0, 3)]).toEqual([0.25, 1000, -3.5]);
    expect(Number.isNaN(q[3]!)).toBe(true);
    expect(cat!.name).toBe('CAT');
    expect(cat!.columns!.map((c) => [c.name, c.format, c.dtype])).toEqual([
      ['id', 'K', 'int64'],
      ['ok', 'L', 'bool'],
      ['flux', '2E', 'float32'],
      ['label', '3A', 'string'],
      ['u', 'J', 'uint32'],
      ['s8', 'B', 'float64'], // astropy has no int8 columns: it applies TZERO = -128 as floats
    ]);
    expect(cat!.columns![3]!.strings).toEqual(['a', 'bb', 'ccc']);
    expect([...new Float64Array(unb64(cat!.columns![5]!.bytes!))]).toEqual([-128, 0, 127]);
    expect([...new Uint32Array(unb64(cat!.columns![4]!.bytes!))]).toEqual([0, 4294967295, 7]);
  });

  it('writes the same bytes twice (no dates in headers, deterministic checksums)', async () => {
    const ref = manifest.files['checksum.fits']!;
    const value = await fits.read(ref.file, { all: true });
    const a = tmp.path('det-a.fits');
    const b = tmp.path('det-b.fits');
    await fits.write(a, value, { checksum: true });
    await fits.write(b, value, { checksum: true });
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
  });
});
