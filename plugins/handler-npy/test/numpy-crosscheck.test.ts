import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useTempDir } from '@aeroml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { float16ToNumber, inspectNpy, ndarray, npyHandlers, numberToFloat16, readNpy, readNpz, type NDArray, type NpyVersion } from '../src/index.js';
import { npyRef, type RefArray } from './python.js';

interface RefCase extends RefArray {
  file: string;
  version: NpyVersion;
  header: { version: string; shape: number[]; fortranOrder: boolean; descr: string; dataOffset: number };
}
interface Manifest {
  numpy: string;
  cases: RefCase[];
  archives: Array<{ file: string; kind: string; arrays: Record<string, RefArray> }>;
}
interface Dumped extends RefArray {
  file: string;
  header: RefCase['header'];
}
interface DumpedNpz {
  file: string;
  arrays: Record<string, RefArray>;
  crcOk: boolean;
  methods: Record<string, number>;
}

const b64 = (array: NDArray) => Buffer.from(array.data.buffer, array.data.byteOffset, array.data.byteLength).toString('base64');
/** Python's repr of a float as a JS number ('nan', 'inf', '-inf' included). */
const num = (repr: string) => (repr === 'nan' ? Number.NaN : repr === 'inf' ? Number.POSITIVE_INFINITY : repr === '-inf' ? Number.NEGATIVE_INFINITY : Number(repr));
const label = (c: RefCase) => c.file.split('/').pop()!;

function expectSame(array: NDArray, ref: RefArray, what: string): void {
  expect(array.dtype, `${what}: dtype`).toBe(ref.dtype);
  expect(array.shape, `${what}: shape`).toEqual(ref.shape);
  expect(array.fortranOrder, `${what}: fortranOrder`).toBe(ref.fortranOrder);
  expect(b64(array), `${what}: element bytes`).toBe(ref.bytes);
}

const tmp = useTempDir('aero-npy-x-');
let manifest: Manifest;
const [npy, npz] = npyHandlers();

beforeAll(async () => {
  manifest = await npyRef<Manifest>('make', tmp.path());
});

describe('numpy writes, aero reads', () => {
  it('covers every dtype, both byte orders, C and Fortran order, 0-d and empty arrays, versions 1.0-3.0', () => {
    const cases = manifest.cases;
    expect(new Set(cases.map((c) => c.dtype))).toEqual(
      new Set(['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64', 'complex64', 'complex128']),
    );
    expect(new Set(cases.map((c) => c.version))).toEqual(new Set(['1.0', '2.0', '3.0']));
    expect(cases.some((c) => c.byteOrder === 'big' && c.dtype === 'complex128')).toBe(true);
    expect(cases.some((c) => c.fortranOrder && c.shape.length === 3)).toBe(true);
    expect(cases.some((c) => c.shape.length === 0)).toBe(true);
    expect(cases.some((c) => c.shape.includes(0) && c.shape.length === 3)).toBe(true);
  });

  it('reads every case with exact dtype, shape, order and element values', async () => {
    for (const ref of manifest.cases) {
      const array = await npy.read(ref.file);
      expectSame(array, ref, label(ref));
      const header = await inspectNpy(ref.file);
      expect(header.version, label(ref)).toBe(ref.version);
      expect(header.headerLength, label(ref)).toBe(ref.header.dataOffset);
      expect(header.byteOrder, label(ref)).toBe(ref.byteOrder);
    }
  });

  it('gives values numpy prints (spot checks on decoded numbers)', async () => {
    const pick = (dtype: string, byteOrder: string, shape: string) =>
      manifest.cases.find((c) => c.dtype === dtype && c.byteOrder === byteOrder && c.shape.join('x') === shape && !c.fortranOrder)!;
    const i64 = pick('int64', 'big', '7');
    const a = await readNpy(i64.file);
    expect(a.dtype).toBe('int64');
    expect([...(a.data as BigInt64Array)].map(String)).toEqual(i64.values);
    const u64 = pick('uint64', 'little', '7');
    expect([...((await readNpy(u64.file)).data as BigUint64Array)].map(String)).toEqual(u64.values);
    const f16 = pick('float16', 'big', '7');
    const halves = (await readNpy(f16.file)).data as Uint16Array;
    expect([...halves].map(float16ToNumber)).toEqual(f16.values!.map((v) => num(v as string)));
    expect(f16.values!.slice(0, 4)).toEqual(['nan', 'inf', '-inf', '-0.0']);
    const c64 = pick('complex64', 'big', '7');
    const z = (await readNpy(c64.file)).data as Float32Array;
    expect(c64.values![0]).toEqual(['nan', '1.5']);
    expect(Number.isNaN(z[0]!)).toBe(true);
    expect(z[1]).toBe(1.5);
    expect(Object.is(z[2], -0)).toBe(true);
    expect(z[3]).toBe(Number.POSITIVE_INFINITY);
    const b = pick('bool', 'little', '7');
    expect([...((await readNpy(b.file)).data as Uint8Array)].map((x) => x === 1)).toEqual(b.values);
  });

  it('reads stored, deflated and data-descriptor .npz archives', async () => {
    for (const archive of manifest.archives) {
      const arrays = await npz.read(archive.file);
      expect(Object.keys(arrays), archive.kind).toEqual(Object.keys(archive.arrays));
      for (const [name, ref] of Object.entries(archive.arrays)) expectSame(arrays[name]!, ref, `${archive.kind}:${name}`);
    }
  });

  it('reads a subset of an archive by name', async () => {
    const archive = manifest.archives.find((a) => a.kind === 'deflated')!;
    const arrays = await readNpz(archive.file, { arrays: ['z', 'counts'] });
    expect(Object.keys(arrays)).toEqual(['z', 'counts']);
    expectSame(arrays['z']!, archive.arrays['z']!, 'z');
  });
});

describe('aero writes, numpy reads', () => {
  it('writes every case so numpy loads exact dtype, shape, order and values; same settings give the same bytes as np.save', async () => {
    const written: Array<{ path: string; ref: RefCase; byteOrder: 'little' | 'big'; version: NpyVersion }> = [];
    let k = 0;
    for (const ref of manifest.cases) {
      const array = await readNpy(ref.file);
      // Same byte order and version as numpy used (byte-identical check), then the other byte order.
      for (const byteOrder of [ref.byteOrder, ref.byteOrder === 'little' ? 'big' : 'little'] as const) {
        const path = tmp.path(`aero-${++k}.npy`);
        await npy.write(path, array, { byteOrder, version: ref.version });
        written.push({ path, ref, byteOrder, version: ref.version });
      }
    }
    const dumped = await npyRef<Dumped[]>('dump', ...written.map((w) => w.path));
    for (const [i, w] of written.entries()) {
      const d = dumped[i]!;
      const what = `${label(w.ref)} written ${w.byteOrder}-endian`;
      expect(d.dtype, what).toBe(w.ref.dtype);
      expect(d.shape, what).toEqual(w.ref.shape);
      expect(d.fortranOrder, what).toBe(w.ref.fortranOrder);
      expect(d.bytes, what).toBe(w.ref.bytes);
      expect(d.header.version, what).toBe(w.version);
      const oneByte = ['bool', 'int8', 'uint8'].includes(w.ref.dtype);
      expect(d.byteOrder, what).toBe(oneByte ? 'little' : w.byteOrder);
      if (w.byteOrder === w.ref.byteOrder) {
        expect((await readFile(w.path)).equals(await readFile(w.ref.file)), `${what}: bytes differ from numpy's file`).toBe(true);
      }
    }
  });

  it('writes arrays built in JavaScript that numpy reads with the expected values', async () => {
    const cases: Array<{ array: NDArray; values: unknown[] }> = [
      { array: ndarray('float64', [2, 2], Float64Array.of(1.5, -0, Number.NaN, Number.NEGATIVE_INFINITY)), values: ['1.5', '-0.0', 'nan', '-inf'] },
      { array: ndarray('int64', [3], BigInt64Array.of(-(2n ** 63n), 0n, 2n ** 63n - 1n)), values: ['-9223372036854775808', '0', '9223372036854775807'] },
      { array: ndarray('uint64', [1], BigUint64Array.of(2n ** 64n - 1n)), values: ['18446744073709551615'] },
      { array: ndarray('float16', [3], Uint16Array.of(numberToFloat16(0.5), numberToFloat16(-2), numberToFloat16(65504))), values: ['0.5', '-2.0', '65504.0'] },
      { array: ndarray('complex64', [], Float32Array.of(1, -2)), values: [['1.0', '-2.0']] },
      { array: ndarray('bool', [2, 3], Uint8Array.of(1, 0, 0, 1, 1, 0), { fortranOrder: true }), values: [true, false, false, true, true, false] },
      { array: ndarray('uint16', [0, 3]), values: [] },
    ];
    const paths: string[] = [];
    for (const [i, c] of cases.entries()) {
      const path = tmp.path(`js-${i}.npy`);
      await npy.write(path, c.array, { byteOrder: i % 2 ? 'big' : 'little' });
      paths.push(path);
    }
    const dumped = await npyRef<Dumped[]>('dump', ...paths);
    for (const [i, c] of cases.entries()) {
      expect(dumped[i]!.dtype).toBe(c.array.dtype);
      expect(dumped[i]!.shape).toEqual(c.array.shape);
      expect(dumped[i]!.fortranOrder).toBe(c.array.fortranOrder);
      expect(dumped[i]!.values).toEqual(c.values);
    }
  });

  it('writes stored and deflated .npz archives numpy and zipfile accept (CRC checked)', async () => {
    const source = await readNpz(manifest.archives[0]!.file);
    const paths: string[] = [];
    for (const compression of ['stored', 'deflated'] as const) {
      for (const byteOrder of ['little', 'big'] as const) {
        const path = tmp.path(`aero-${compression}-${byteOrder}.npz`);
        await npz.write(path, source, { compression, byteOrder });
        paths.push(path);
      }
    }
    const dumped = await npyRef<DumpedNpz[]>('dump', ...paths);
    for (const [i, d] of dumped.entries()) {
      expect(d.crcOk, paths[i]).toBe(true);
      expect(Object.values(d.methods).every((m) => m === (i < 2 ? 0 : 8)), paths[i]).toBe(true);
      expect(Object.keys(d.arrays)).toEqual(Object.keys(source));
      for (const [name, ref] of Object.entries(manifest.archives[0]!.arrays)) {
        expect(d.arrays[name]!.bytes, `${paths[i]}:${name}`).toBe(ref.bytes);
        expect(d.arrays[name]!.dtype).toBe(ref.dtype);
        expect(d.arrays[name]!.shape).toEqual(ref.shape);
        expect(d.arrays[name]!.fortranOrder).toBe(ref.fortranOrder);
      }
    }
  });
});

describe('float16 helpers agree with numpy', () => {
  it('decodes all 65536 half-precision bit patterns and rounds doubles to half like numpy', async () => {
    const ref = await npyRef<{ values: string[]; doubles: string[]; bits: number[] }>('f16');
    const decoded = ref.values.map((_, bits) => float16ToNumber(bits));
    expect(decoded).toEqual(ref.values.map(num));
    const encoded = ref.doubles.map((d) => numberToFloat16(num(d)));
    expect(encoded).toEqual(ref.bits);
  });
});
