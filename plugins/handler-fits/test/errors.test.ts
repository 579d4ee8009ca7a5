import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pluginOptionsError, pluginRejection, useTempDir } from '@aeroml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyPrimary, fitsHandler, fitsImage, readFits, type FitsCard, type FitsTable } from '../src/index.js';
import { fitsRef, type RefFile } from './python.js';

const tmp = useTempDir('aero-fits-err-');
let files: Record<string, string>;
const fits = fitsHandler();

beforeAll(async () => {
  files = await fitsRef<Record<string, string>>('errors', tmp.path());
});

const failure = (promise: Promise<unknown>) => pluginRejection(promise, '@aeroml/handler-fits');

/** A minimal FITS header block from card texts. */
function header(...cards: string[]): Buffer {
  const text = [...cards, 'END'].map((c) => c.padEnd(80)).join('');
  return Buffer.from(text.padEnd(Math.ceil(text.length / 2880) * 2880), 'latin1');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('reading errors', () => {
  it('FITS_NOT_FITS: not a FITS file, or shorter than one block', async () => {
    const path = tmp.path('text.fits');
    await writeFile(path, 'SIMPLY NOT FITS'.padEnd(3000));
    const e = await failure(fits.read(path));
    expect(e.code).toBe('FITS_NOT_FITS');
    expect(e.message).toBe(`${path} is not a FITS file: it does not start with a SIMPLE card.`);
    const short = tmp.path('short.fits');
    await writeFile(short, 'SIMPLE  =                    T');
    const e2 = await failure(fits.read(short));
    expect(e2.message).toBe(`${short} is not a FITS file: it is shorter than one 2880-byte block.`);
  });

  it('FITS_HEADER_INVALID: bad mandatory keywords', async () => {
    const path = tmp.path('bad-bitpix.fits');
    await writeFile(path, header('SIMPLE  =                    T', 'BITPIX  =                   12', 'NAXIS   =                    0'));
    const e = await failure(fits.read(path));
    expect(e.code).toBe('FITS_HEADER_INVALID');
    expect(e.message).toBe(`${path} HDU 0: BITPIX is "12"; it must be 8, 16, 32, 64, -32 or -64.`);
    const noNaxis = tmp.path('no-naxis.fits');
    await writeFile(noNaxis, header('SIMPLE  =                    T', 'BITPIX  =                    8'));
    expect((await failure(fits.read(noNaxis))).message).toBe(`${noNaxis} HDU 0: NAXIS is missing.`);
  });

  it('FITS_TRUNCATED: a header without END, or data cut short', async () => {
    const noEnd = tmp.path('no-end.fits');
    await writeFile(noEnd, Buffer.from('SIMPLE  =                    T'.padEnd(2880), 'latin1'));
    const e = await failure(fits.read(noEnd));
    expect(e.code).toBe('FITS_TRUNCATED');
    expect(e.message).toBe(`${noEnd} HDU 0 is truncated: the file ends inside its header (no END card).`);
    const cut = tmp.path('cut.fits');
    await writeFile(cut, (await readFile(files['checksum.fits']!)).subarray(0, 2880 + 100));
    const e2 = await failure(fits.read(cut, { verifyChecksums: false }));
    expect(e2.code).toBe('FITS_TRUNCATED');
    expect(e2.message).toBe(`${cut} HDU 0 is truncated: its data unit needs 400 bytes but the file ends after 100.`);
  });

  it('FITS_TOO_LARGE: a header announcing more data than can be allocated', async () => {
    const path = tmp.path('huge.fits');
    await writeFile(path, header('SIMPLE  =                    T', 'BITPIX  =                  -64', 'NAXIS   =                    1', 'NAXIS1  =     1125899906842624'));
    const e = await failure(fits.read(path));
    expect(e.code).toBe('FITS_TOO_LARGE');
    expect(e.message).toMatch(new RegExp(`^${escape(path)} HDU 0: cannot allocate 9007199254740992 bytes for the data \\(.+\\)\\.$`));
  });

  it('FITS_HDU_NOT_FOUND: lists the HDUs there are', async () => {
    const path = tmp.path('two.fits');
    await fits.write(path, { hdus: [emptyPrimary(), fitsImage(new Float32Array(6), [2, 3], { header: [{ key: 'EXTNAME', value: 'SCI' }] })] });
    const e = await failure(fits.read(path, { hdu: 5 }));
    expect(e.code).toBe('FITS_HDU_NOT_FOUND');
    expect(e.message).toBe(`${path} has no HDU 5; it has 2 HDUs: 0 image (no data); 1 'SCI' image 2x3.`);
    const e2 = await failure(fits.read(path, { hdu: { name: 'SCI', ver: 2 } }));
    expect(e2.message).toBe(`${path} has no HDU with EXTNAME 'SCI' and EXTVER 2; it has 2 HDUs: 0 image (no data); 1 'SCI' image 2x3.`);
  });

  it('FITS_HDU_UNSUPPORTED: ASCII tables and random groups (written by astropy)', async () => {
    const e = await failure(fits.read(files['ascii-table.fits']!, { hdu: 1 }));
    expect(e.code).toBe('FITS_HDU_UNSUPPORTED');
    expect(e.message).toBe(`${files['ascii-table.fits']} HDU 1 ('ASCII') is an ASCII table (XTENSION = TABLE); @aeroml/handler-fits reads image HDUs and binary tables.`);
    const g = await failure(fits.read(files['groups.fits']!));
    expect(g.message).toBe(`${files['groups.fits']} HDU 0 is random groups; @aeroml/handler-fits reads image HDUs and binary tables.`);
  });

  it('FITS_COLUMN_UNSUPPORTED / FITS_COLUMN_NOT_FOUND: variable-length columns, unknown names', async () => {
    const e = await failure(fits.read(files['vla.fits']!));
    expect(e.code).toBe('FITS_COLUMN_UNSUPPORTED');
    expect(e.message).toBe(`${files['vla.fits']} HDU 1 ('VLA'): column 'v' (TFORM PJ(3)) holds variable-length arrays, which @aeroml/handler-fits does not read.`);
    const ok = (await fits.read(files['vla.fits']!, { columns: ['x'] })) as FitsTable;
    expect([...(ok.columns[0]!.data as Float32Array)]).toEqual([0, 1]);
    const e2 = await failure(fits.read(files['vla.fits']!, { columns: ['x', 'y'] }));
    expect(e2.code).toBe('FITS_COLUMN_NOT_FOUND');
    expect(e2.message).toBe(`${files['vla.fits']} HDU 1 ('VLA') has no column 'y'; its columns are 'x', 'v'.`);
  });

  it('FITS_DATASUM_MISMATCH / FITS_CHECKSUM_MISMATCH: damaged data or header (astropy agrees)', async () => {
    const original = await readFile(files['checksum.fits']!);
    const badData = tmp.path('bad-data.fits');
    const data = Buffer.from(original);
    data[2880 + 17] = data[2880 + 17]! ^ 0x01;
    await writeFile(badData, data);
    const e = await failure(fits.read(badData));
    expect(e.code).toBe('FITS_DATASUM_MISMATCH');
    expect(e.message).toMatch(new RegExp(`^${escape(badData)} HDU 0 is corrupt: its data sum is \\d+ but DATASUM records \\d+\\.$`));
    const badHeader = tmp.path('bad-header.fits');
    const head = Buffer.from(original);
    const at = head.indexOf('a comment we will damage');
    head[at] = 'A'.charCodeAt(0);
    await writeFile(badHeader, head);
    const e2 = await failure(fits.read(badHeader));
    expect(e2.code).toBe('FITS_CHECKSUM_MISMATCH');
    expect(e2.message).toMatch(new RegExp(`^${escape(badHeader)} HDU 0 is corrupt: its CHECKSUM '.{16}' does not match the header and data \\(the HDU sums to 0x[0-9a-f]{8}, not -0\\)\\.$`));
    // Reading without verification works, and astropy flags both files too.
    await readFits(badHeader, { verifyChecksums: false });
    const dumped = await fitsRef<RefFile[]>('dump', badData, badHeader);
    expect(dumped.map((d) => d.ok)).toEqual([false, false]);
    expect(dumped[0]!.error).toMatch(/checksum|datasum/i);
    expect(dumped[1]!.error).toMatch(/checksum/i);
  });

  it('FITS_READ_FAILED: a missing file', async () => {
    const path = tmp.path('missing.fits');
    const e = await failure(fits.read(path));
    expect(e.code).toBe('FITS_READ_FAILED');
    expect(e.message).toBe(`Could not read ${path}: the file does not exist.`);
  });
});

describe('writing errors', () => {
  it('FITS_VALUE_INVALID: lists every problem of a bad image and leaves no file', async () => {
    const sub = tmp.path('invalid');
    const path = join(sub, 'bad.fits');
    const e = await failure(fits.write(path, { bitpix: 16, shape: [2, 2], data: new Float32Array(3), header: [] }));
    expect(e.code).toBe('FITS_VALUE_INVALID');
    expect(e.message).toBe(
      [
        `Cannot write ${path} HDU 0:`,
        '  - `data`: shape [2, 2] needs 4 elements, got 3',
        '  - `bitpix`: 16 does not match Float32Array data (that is BITPIX -32); pass `scale` to quantize into BITPIX 16, or convert the data',
      ].join('\n'),
    );
    expect(await readdir(sub).catch(() => [])).toEqual([]);
    const e2 = await failure(fits.write(path, { bitpix: 8, shape: [1], data: [1] as never, header: [] }));
    expect(e2.message).toContain('`data`: expected a typed array (Uint8Array, Int16Array, Float32Array, ...), got an array');
    const e3 = await failure(fits.write(path, 42 as never));
    expect(e3.message).toBe(`Cannot write ${path}:\n  - expected a FITS image { bitpix, shape, data, header }, table { rows, columns, header } or file { hdus: [...] }, got number`);
  });

  it('FITS_VALUE_INVALID: quantizing out of range, NaN without BLANK, a table as primary', async () => {
    const path = tmp.path('q.fits');
    const e = await failure(fits.write(path, fitsImage(Float32Array.of(1, 1e9), [2], { bitpix: 16, scale: { bscale: 1, bzero: 0 } })));
    expect(e.message).toBe(`Cannot write ${path} HDU 0: value 1000000000 at index 1 does not fit BITPIX 16 with BSCALE 1 and BZERO 0.`);
    const e2 = await failure(fits.write(path, fitsImage(Float32Array.of(Number.NaN), [1], { bitpix: 32, scale: { bscale: 2, bzero: 0 } })));
    expect(e2.message).toBe(`Cannot write ${path} HDU 0: NaN at index 0 cannot be stored as an integer without a BLANK value.`);
    expect(e2.hint).toContain("{ key: 'BLANK', value: -32768 }");
    const table: FitsTable = { rows: 1, columns: [{ name: 'x', dtype: 'float64', shape: [], data: Float64Array.of(1) }], header: [] };
    const e3 = await failure(fits.write(path, { hdus: [table] }));
    expect(e3.message).toBe(`Cannot write ${path} HDU 0:\n  - the primary HDU (hdus[0]) must be an image; a table can only be an extension`);
    expect(await readdir(tmp.path()).then((n) => n.filter((f) => f.startsWith('q.fits')))).toEqual([]);
  });

  it('FITS_VALUE_INVALID: lists every problem of a bad table', async () => {
    const path = tmp.path('t.fits');
    const e = await failure(
      fits.write(path, {
        rows: 2,
        header: [],
        columns: [
          { name: 'a', dtype: 'float32', shape: [], data: new Float64Array(2) },
          { name: 'b', dtype: 'int16', shape: [3], data: new Int16Array(5) },
          { name: 'c', dtype: 'string', shape: [], data: ['ok', 'naïve'] },
          { name: 'd', dtype: 'float64', shape: [], data: new Float64Array(2), format: '3E' },
        ],
      }),
    );
    expect(e.message).toBe(
      [
        `Cannot write ${path} HDU 1: the table is not valid:`,
        '  - `columns.0` (a): dtype float32 needs a Float32Array, got Float64Array',
        '  - `columns.1` (b): 2 rows of shape [3] need 6 elements, got 5',
        '  - `columns.2` (c): a string column needs an array of printable ASCII strings',
        '  - `columns.3` (d): format "3E" does not match dtype float64 with shape [] (that is D)',
      ].join('\n'),
    );
  });

  it('FITS_VALUE_INVALID: a misspelt key anywhere in the value is refused with its path, and no file is written', async () => {
    const path = tmp.path('k.fits');
    const data = new Float32Array(2);
    const imageKeys = '(an image HDU has bitpix, shape, data, header, scale)';
    const cardKeys = '(a header card has key, value, comment, float)';
    const columnKeys = '(a column has name, dtype, shape, data, format, unit, null, display, scale)';
    const refused = async (value: unknown) => {
      const e = await failure(fits.write(path, value as never));
      expect(e.code).toBe('FITS_VALUE_INVALID');
      return e;
    };
    const e = await refused({ bitpix: -32, shape: [2], data, headr: [{ key: 'A', value: 1 }] });
    expect(e.message).toBe(`Cannot write ${path} HDU 0:\n  - \`headr\`: unknown key ${imageKeys}. Did you mean \`header\`?`);
    expect(e.hint).toContain('section Values');
    expect((await refused({ bitpix: -32, shape: [2], data, header: [{ key: 'A', valeu: 1 }] })).message).toBe(`Cannot write ${path} HDU 0:\n  - \`header[0].valeu\`: unknown key ${cardKeys}. Did you mean \`value\`?`);
    expect((await refused(fitsImage(data, [2], { header: [{ key: 'A', value: 1 }, { key: 'B', value: 2, coment: 'why' } as never] }))).message).toBe(
      `Cannot write ${path} HDU 0:\n  - \`header[1].coment\`: unknown key ${cardKeys}. Did you mean \`comment\`?`,
    );
    expect((await refused(fitsImage(data, [2], { header: [{ key: 'Z', value: { re: 1, imag: 2 } as never }] }))).message).toBe(
      `Cannot write ${path} HDU 0:\n  - \`header[0].value.imag\`: unknown key (a complex value has re, im). Did you mean \`im\`?`,
    );
    expect((await refused({ bitpix: 16, shape: [2], data, header: [], scale: { bscale: 1, bzer: 0 } })).message).toBe(
      `Cannot write ${path} HDU 0:\n  - \`scale.bzer\`: unknown key (\`scale\` has bscale, bzero). Did you mean \`bzero\`?`,
    );
    const table = {
      rows: 2,
      header: [{ key: 'EXTNAME', value: 'T', coment: 'x' }],
      columns: [
        { name: 'x', dtype: 'float64', shape: [], data: new Float64Array(2), unti: 'm' },
        { name: 'y', dtype: 'float64', shape: [], data: new Float64Array(2), format: 'J', scale: { bscale: 2, bzer: 0 } },
      ],
    };
    expect((await refused(table)).message).toBe(
      [
        `Cannot write ${path} HDU 1:`,
        `  - \`columns[0].unti\`: unknown key ${columnKeys}. Did you mean \`unit\`?`,
        '  - `columns[1].scale.bzer`: unknown key (`scale` has bscale, bzero). Did you mean `bzero`?',
        `  - \`header[0].coment\`: unknown key ${cardKeys}. Did you mean \`comment\`?`,
      ].join('\n'),
    );
    expect((await refused({ hdus: [emptyPrimary()], header: [] })).message).toBe(`Cannot write ${path}:\n  - \`header\`: unknown key (a file value has hdus).`);
    expect((await refused({ hdus: [emptyPrimary([{ key: 'A', valeu: 1 } as never]), fitsImage(data, [2])] })).message).toBe(
      `Cannot write ${path} HDU 0:\n  - \`header[0].valeu\`: unknown key ${cardKeys}. Did you mean \`value\`?`,
    );
    expect((await refused({ hdus: [emptyPrimary(), { rows: 2, colums: table.columns, header: [] }] })).message).toBe(
      [
        `Cannot write ${path} HDU 1:`,
        '  - `colums`: unknown key (an image or table HDU has bitpix, shape, data, header, scale, rows, columns). Did you mean `columns`?',
      ].join('\n'),
    );
    expect((await refused({ rows: 2, colums: table.columns, header: [] })).message).toBe(
      [
        `Cannot write ${path}:`,
        '  - expected a FITS image { bitpix, shape, data, header }, table { rows, columns, header } or file { hdus: [...] }, got Object',
        '  - `colums`: unknown key (an image, table or file value has bitpix, shape, data, header, scale, rows, columns, hdus). Did you mean `columns`?',
      ].join('\n'),
    );
    expect(await readdir(tmp.path()).then((n) => n.filter((f) => f.startsWith('k.fits')))).toEqual([]);
  });

  it('FITS_HEADER_INVALID: structural keywords, bad values, non-ASCII text, cards too long', async () => {
    const path = tmp.path('h.fits');
    const img = (header: FitsCard[]) => fitsImage(new Float32Array(1), [1], { header });
    const e = await failure(fits.write(path, img([{ key: 'NAXIS1', value: 3 }, { key: 'checksum', value: 'x' }])));
    expect(e.code).toBe('FITS_HEADER_INVALID');
    expect(e.message).toBe(`Cannot write ${path} HDU 0: the header sets NAXIS1, CHECKSUM, which the fits handler derives from the data.`);
    const e2 = await failure(fits.write(path, img([{ key: 'GAIN', value: Number.NaN }])));
    expect(e2.message).toBe(`${path} HDU 0: card GAIN: NaN cannot be stored in a FITS header (only finite numbers can).`);
    const e3 = await failure(fits.write(path, img([{ key: 'OBSERVER', value: 'Zoë' }])));
    expect(e3.message).toBe(`${path} HDU 0: card OBSERVER: string values must be printable ASCII, got "Zoë".`);
    const e4 = await failure(fits.write(path, img([{ key: 'NCOMBINE', value: 3, comment: 'c'.repeat(60) }])));
    expect(e4.message).toBe(`${path} HDU 0: card NCOMBINE needs 93 characters but a card holds 80; shorten its comment.`);
    const e5 = await failure(fits.write(path, fitsImage(new Uint16Array(1), [1], { header: [{ key: 'BZERO', value: 5 }] })));
    expect(e5.message).toBe(`Cannot write ${path} HDU 0: the header sets BZERO, which the fits handler derives from the data.`);
    expect(await readdir(tmp.path()).then((n) => n.filter((f) => f.startsWith('h.fits')))).toEqual([]);
  });

  it('FITS_WRITE_FAILED: the target directory cannot be created', async () => {
    const blocker = tmp.path('a-file');
    await writeFile(blocker, 'x');
    const path = join(blocker, 'sub', 'out.fits');
    const e = await failure(fits.write(path, fitsImage(new Float32Array(1), [1])));
    expect(e.code).toBe('FITS_WRITE_FAILED');
    expect(e.message).toMatch(new RegExp(`^Could not write ${escape(path)}: ENOTDIR: .+\\.$`));
  });
});

describe('options', () => {
  it('PLUGIN_OPTIONS_INVALID lists each bad option with its path', () => {
    const error = pluginOptionsError(() => fitsHandler({ checksum: 'yes', chunkSize: 10, extra: 1 } as never), '@aeroml/handler-fits');
    expect(error.message).toBe(['Invalid options for fitsHandler():', '  - `checksum`: expected boolean, received string', '  - `chunkSize`: Too small: expected number to be >=65536', '  - `extra`: unknown option.'].join('\n'));
  });

  it('per-read options are validated', async () => {
    const e = await failure(fits.read(tmp.path('x.fits'), { hdu: -1 } as never));
    expect(e.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(e.message.split('\n')[0]).toBe('Invalid read options of the fits handler:');
    expect(e.message).toContain('\n  - `hdu`: ');
    const typo = await failure(fits.read(tmp.path('x.fits'), { colums: ['a'] } as never));
    expect(typo.message).toBe('Invalid read options of the fits handler:\n  - `colums`: unknown option. Did you mean `columns`?');
  });
});
