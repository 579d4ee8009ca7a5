import { describeHandler } from '@aeroml/test-utils';
import { ndarray, npyHandlers, numberToFloat16, type NDArray, type NpzArrays } from '../src/index.js';

const samples: Array<{ name: string; value: NDArray }> = [
  { name: 'float64 2x3', value: ndarray('float64', [2, 3], Float64Array.of(0, 1.5, -2.25, Number.NaN, Number.POSITIVE_INFINITY, -0)) },
  { name: 'int64 fortran', value: ndarray('int64', [2, 2], BigInt64Array.of(-(2n ** 63n), 1n, 2n, 2n ** 63n - 1n), { fortranOrder: true }) },
  { name: 'uint8 0-d', value: ndarray('uint8', [], Uint8Array.of(255)) },
  { name: 'bool empty', value: ndarray('bool', [0, 4]) },
  { name: 'float16', value: ndarray('float16', [3], Uint16Array.of(numberToFloat16(1), numberToFloat16(-0.5), numberToFloat16(1e-5))) },
  { name: 'complex128', value: ndarray('complex128', [2], Float64Array.of(1, 2, -3, 4)) },
];

const notNpy = 'this is not an npy file';

describeHandler<NDArray>('npy', () => npyHandlers()[0], {
  extension: 'npy',
  samples,
  corrupt: [
    { name: 'text', content: notNpy },
    { name: 'truncated payload', content: Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([0x46, 0]), Buffer.from("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }".padEnd(69, ' ') + '\n'), Buffer.alloc(8)]) },
    { name: 'structured dtype', content: Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([0x46, 0]), Buffer.from("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }".padEnd(69, ' ') + '\n'), Buffer.alloc(4)]) },
  ],
  invalid: [
    { name: 'wrong typed array', value: { dtype: 'float32', shape: [2], data: new Float64Array(2), fortranOrder: false } },
    { name: 'wrong length', value: { dtype: 'int16', shape: [2, 2], data: new Int16Array(3), fortranOrder: false } },
    { name: 'not an array', value: 'hello' },
  ],
});

describeHandler<NpzArrays>('npz (stored)', () => npyHandlers()[1], {
  extension: 'npz',
  samples: [{ name: 'several arrays', value: Object.fromEntries(samples.map((s) => [s.name.replace(/\W+/g, '_'), s.value])) }, { name: 'no arrays', value: {} }],
  corrupt: [
    { name: 'text', content: notNpy },
    { name: 'zip header only', content: Buffer.from('PK\x03\x04garbage', 'latin1') },
  ],
  invalid: [
    { name: 'array instead of object', value: [samples[0]!.value] },
    { name: 'bad member', value: { a: { dtype: 'uint8', shape: [1], data: [1], fortranOrder: false } } },
  ],
});

describeHandler<NpzArrays>('npz (deflated)', () => npyHandlers({ compression: 'deflated', compressionLevel: 9 })[1], {
  extension: 'npz',
  samples: [{ name: 'several arrays', value: Object.fromEntries(samples.map((s) => [s.name.replace(/\W+/g, '_'), s.value])) }],
});
