import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AeroError } from '@aeroml/core';
import { formatNetpbm, netpbmHandler, netpbmImage, parseNetpbm } from '../src/index.js';

// The examples from the Netpbm manual pages (pgm(5), ppm(5)).
const FEEP_PGM = `P2
# feep.pgm
24 7
15
0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0
0  3  3  3  3  0  0  7  7  7  7  0  0 11 11 11 11  0  0 15 15 15 15  0
0  3  0  0  0  0  0  7  0  0  0  0  0 11  0  0  0  0  0 15  0  0 15  0
0  3  3  3  0  0  0  7  7  7  0  0  0 11 11 11  0  0  0 15 15 15 15  0
0  3  0  0  0  0  0  7  0  0  0  0  0 11  0  0  0  0  0 15  0  0  0  0
0  3  0  0  0  0  0  7  7  7  7  0  0 11 11 11 11  0  0 15  0  0  0  0
0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0
`;
const FEEP_PPM = `P3
# feep.ppm
4 4
15
 0  0  0    0  0  0    0  0  0   15  0 15
 0  0  0    0 15  7    0  0  0    0  0  0
 0  0  0    0  0  0    0 15  7    0  0  0
15  0 15    0  0  0    0  0  0    0  0  0
`;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aero-netpbm-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const enc = (text: string) => new TextEncoder().encode(text);

describe('the Netpbm manual examples', () => {
  it('decodes feep.pgm (P2) and re-encodes it as P5 and P2', () => {
    const image = parseNetpbm(enc(FEEP_PGM), 'feep.pgm');
    expect([image.width, image.height, image.channels, image.maxval]).toEqual([24, 7, 1, 15]);
    expect(image.data).toBeInstanceOf(Uint8Array);
    expect([...image.data.subarray(24, 48)]).toEqual([0, 3, 3, 3, 3, 0, 0, 7, 7, 7, 7, 0, 0, 11, 11, 11, 11, 0, 0, 15, 15, 15, 15, 0]);
    const binary = formatNetpbm(image, { plain: false });
    expect(new TextDecoder().decode(binary.subarray(0, 11))).toBe('P5\n24 7\n15\n');
    expect(binary.length).toBe(11 + 24 * 7);
    expect(parseNetpbm(binary, 'p5')).toEqual(image);
    const plain = new TextDecoder().decode(formatNetpbm(image, { plain: true, comment: 'feep' }));
    expect(plain.startsWith('P2\n# feep\n24 7\n15\n')).toBe(true);
    expect(plain.split('\n').every((line) => line.length <= 70)).toBe(true);
    expect(parseNetpbm(enc(plain), 'p2')).toEqual(image);
  });

  it('decodes feep.ppm (P3): RGB samples interleaved', () => {
    const image = parseNetpbm(enc(FEEP_PPM), 'feep.ppm');
    expect([image.width, image.height, image.channels, image.maxval]).toEqual([4, 4, 3, 15]);
    expect([...image.data.subarray(9, 12)]).toEqual([15, 0, 15]); // row 0, column 3
    expect([...image.data.subarray(15, 18)]).toEqual([0, 15, 7]); // row 1, column 1
    expect(parseNetpbm(formatNetpbm(image, { plain: false }), 'p6')).toEqual(image);
  });

  it('stores 16-bit samples big endian (maxval >= 256)', () => {
    const image = netpbmImage(2, 1, { maxval: 1023, data: Uint16Array.of(0x0102, 1023) });
    const bytes = formatNetpbm(image, { plain: false });
    expect([...bytes.subarray(-4)]).toEqual([0x01, 0x02, 0x03, 0xff]);
    expect(parseNetpbm(bytes, 'x')).toEqual(image);
  });
});

async function failure(promise: Promise<unknown>): Promise<AeroError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((error as AeroError)?.name).toBe('AeroError');
  expect((error as AeroError).plugin).toBe('aero-handler-netpbm');
  return error as AeroError;
}

describe('errors', () => {
  const pnm = netpbmHandler();

  it('NETPBM_NOT_NETPBM, NETPBM_INVALID, NETPBM_TRUNCATED, NETPBM_READ_FAILED', async () => {
    const file = async (name: string, content: string | Uint8Array) => {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    };
    const png = await file('a.pgm', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a));
    const e1 = await failure(pnm.read(png));
    expect(e1.code).toBe('NETPBM_NOT_NETPBM');
    expect(e1.message).toBe(`${png} is not a PGM/PPM image: it does not start with P2, P3, P5 or P6 (first bytes: 89 50 4e 47).`);
    const big = await file('b.pgm', 'P2\n2 1\n10\n5 11\n');
    const e2 = await failure(pnm.read(big));
    expect(e2.code).toBe('NETPBM_INVALID');
    expect(e2.message).toBe(`${big} is not a valid Netpbm image: sample 1 is 11, above maxval 10.`);
    const word = await file('c.pgm', 'P5\nwide 2\n255\n');
    expect((await failure(pnm.read(word))).message).toBe(`${word} is not a valid Netpbm image: the width is not a decimal number (found "w").`);
    const cut = await file('d.pgm', 'P5\n4 4\n255\nabc');
    const e3 = await failure(pnm.read(cut));
    expect(e3.code).toBe('NETPBM_TRUNCATED');
    expect(e3.message).toBe(`${cut} is truncated: the raster needs 16 bytes but 3 follow.`);
    const e4 = await failure(pnm.read(join(dir, 'missing.pgm')));
    expect(e4.code).toBe('NETPBM_READ_FAILED');
    expect(e4.message).toBe(`Could not read ${join(dir, 'missing.pgm')}: the file does not exist.`);
  });

  it('NETPBM_VALUE_INVALID lists every problem; NETPBM_WRITE_FAILED; nothing is left behind', async () => {
    const path = join(dir, 'out', 'x.ppm');
    const e = await failure(pnm.write(path, { width: 2, height: 0, channels: 1, maxval: 255, data: new Uint8Array(2) }));
    expect(e.code).toBe('NETPBM_VALUE_INVALID');
    expect(e.message).toBe(
      [
        `Cannot write ${path}:`,
        '  - `height`: expected a positive integer, got 0',
        '  - a .ppm file holds RGB images (channels: 3); write grayscale images to .pgm or .pnm',
      ].join('\n'),
    );
    await writeFile(join(dir, 'blocker'), 'x');
    const e2 = await failure(pnm.write(join(dir, 'blocker', 'sub', 'x.pgm'), netpbmImage(1, 1)));
    expect(e2.code).toBe('NETPBM_WRITE_FAILED');
    expect(e2.message).toMatch(/^Could not write .+x\.pgm: ENOTDIR: .+\.$/);
    await expect(readFile(join(dir, 'out', 'x.ppm'))).rejects.toThrow();
  });

  it('PLUGIN_OPTIONS_INVALID at config time', () => {
    expect(() => netpbmHandler({ plain: 'yes', comment: 'two\nlines', colour: 1 } as never)).toThrow(
      [
        'Invalid options for netpbmHandler():',
        '  - `plain`: expected boolean, received string',
        '  - `comment`: must be one line of printable ASCII',
        '  - `colour`: unknown option.',
      ].join('\n'),
    );
  });
});
