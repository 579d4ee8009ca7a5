import { describeHandler } from '@aeroml/test-utils';
import { emptyPrimary, fitsHandler, fitsImage, type FitsCard, type FitsValue } from '../src/index.js';

const header: FitsCard[] = [
  { key: 'OBJECT', value: 'M31', comment: 'target' },
  { key: 'EXPTIME', value: 30, float: true },
  { key: 'NCOMBINE', value: 4 },
  { key: 'HISTORY', value: 'written by the conformance suite' },
  { key: 'LONGSTR', value: 'y'.repeat(100) },
];

const samples: Array<{ name: string; value: FitsValue }> = [
  { name: 'float32 image with header', value: fitsImage(Float32Array.of(1.5, Number.NaN, -0, Number.POSITIVE_INFINITY, 2, 3), [2, 3], { header }) },
  { name: 'uint16 image', value: fitsImage(Uint16Array.of(0, 65535, 32768), [3]) },
  { name: 'int64 cube', value: fitsImage(BigInt64Array.of(-(2n ** 63n), 0n, 2n ** 63n - 1n, 5n, 6n, 7n, 8n, 9n), [2, 2, 2]) },
  { name: 'scaled int16', value: fitsImage(Float32Array.of(0.5, 100, -20.25), [3], { bitpix: 16, scale: { bscale: 0.25, bzero: 10 } }) },
  {
    name: 'table',
    value: {
      rows: 2,
      header: [{ key: 'EXTNAME', value: 'CAT' }],
      columns: [
        { name: 'ra', dtype: 'float64', shape: [], data: Float64Array.of(10.5, 20.25), format: 'D', unit: 'deg' },
        { name: 'flags', dtype: 'bool', shape: [3], data: Uint8Array.of(1, 0, 1, 0, 0, 1), format: '3L' },
        { name: 'name', dtype: 'string', shape: [], data: ['a', 'bc'], format: '2A' },
      ],
    },
  },
  {
    name: 'multi-HDU file',
    value: {
      hdus: [
        emptyPrimary([{ key: 'ORIGIN', value: 'aero' }]),
        fitsImage(Int16Array.of(1, 2, 3, 4), [2, 2], { header: [{ key: 'EXTNAME', value: 'SCI' }] }),
        fitsImage(Float64Array.of(0.1, 0.2), [2], { header: [{ key: 'EXTNAME', value: 'ERR' }] }),
      ],
    },
  },
];

describeHandler<FitsValue>('fits', () => fitsHandler(), {
  extension: 'fits',
  samples,
  corrupt: [
    { name: 'text', content: 'not a fits file at all'.padEnd(4000) },
    { name: 'header without END', content: 'SIMPLE  =                    T'.padEnd(2880) },
    { name: 'truncated data', content: ['SIMPLE  =                    T', 'BITPIX  =                  -32', 'NAXIS   =                    1', 'NAXIS1  =                 1000', 'END'].map((c) => c.padEnd(80)).join('').padEnd(2880) + 'x'.repeat(100) },
  ],
  invalid: [
    { name: 'shape mismatch', value: { bitpix: -32, shape: [4], data: new Float32Array(3), header: [] } },
    { name: 'structural keyword in header', value: { bitpix: -32, shape: [1], data: new Float32Array(1), header: [{ key: 'BITPIX', value: 8 }] } },
    { name: 'not a value', value: 'hello' },
  ],
});

describeHandler<FitsValue>('fits (checksums)', () => fitsHandler({ checksum: true }), {
  extension: 'fts',
  samples: samples.slice(0, 1).concat(samples.slice(-1)),
});
