import { didYouMean, nearestNames } from '@aeroml/core';
import { npyError, NpyErrorCodes } from './errors.js';
import { allocate } from './io.js';
import { checkOptions, ndarrayOptionsSchema } from './options.js';

/**
 * The typed n-dimensional array value shared by the `npy` and `npz` handlers.
 *
 * - `data` holds the elements in memory order (C order, or Fortran order when
 *   `fortranOrder` is true), always in the platform's native byte order.
 * - `bool` is a Uint8Array of 0/1; `float16` is a Uint16Array of raw IEEE-754 half
 *   bits (Node 20 has no Float16Array; see `float16ToNumber`); complex dtypes are
 *   interleaved (re, im) pairs, so `data.length === 2 * size`.
 * - A 0-d array has `shape: []` and one element; an empty array has a 0 in its shape.
 */
export interface DTypeArrays {
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  float16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  complex64: Float32Array;
  complex128: Float64Array;
}

export type DType = keyof DTypeArrays;

/** One typed array per dtype; `NDArray` narrows `data` when you test `dtype`. */
export type NDArray<D extends DType = DType> = D extends DType
  ? {
      dtype: D;
      shape: number[];
      data: DTypeArrays[D];
      fortranOrder: boolean;
    }
  : never;

export type AnyTypedArray = DTypeArrays[DType];

interface DTypeInfo {
  /** numpy kind letter in `descr` (`<f4`). */
  kind: 'b' | 'i' | 'u' | 'f' | 'c';
  /** Bytes per element. */
  itemsize: number;
  /** Typed-array elements per array element (2 for complex). */
  lanes: 1 | 2;
  /** Byte width of one swap unit (complex swaps each component). */
  swap: 1 | 2 | 4 | 8;
  ctor: new (buffer: ArrayBuffer, byteOffset?: number, length?: number) => AnyTypedArray;
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  bool: { kind: 'b', itemsize: 1, lanes: 1, swap: 1, ctor: Uint8Array },
  int8: { kind: 'i', itemsize: 1, lanes: 1, swap: 1, ctor: Int8Array },
  int16: { kind: 'i', itemsize: 2, lanes: 1, swap: 2, ctor: Int16Array },
  int32: { kind: 'i', itemsize: 4, lanes: 1, swap: 4, ctor: Int32Array },
  int64: { kind: 'i', itemsize: 8, lanes: 1, swap: 8, ctor: BigInt64Array },
  uint8: { kind: 'u', itemsize: 1, lanes: 1, swap: 1, ctor: Uint8Array },
  uint16: { kind: 'u', itemsize: 2, lanes: 1, swap: 2, ctor: Uint16Array },
  uint32: { kind: 'u', itemsize: 4, lanes: 1, swap: 4, ctor: Uint32Array },
  uint64: { kind: 'u', itemsize: 8, lanes: 1, swap: 8, ctor: BigUint64Array },
  float16: { kind: 'f', itemsize: 2, lanes: 1, swap: 2, ctor: Uint16Array },
  float32: { kind: 'f', itemsize: 4, lanes: 1, swap: 4, ctor: Float32Array },
  float64: { kind: 'f', itemsize: 8, lanes: 1, swap: 8, ctor: Float64Array },
  complex64: { kind: 'c', itemsize: 8, lanes: 2, swap: 4, ctor: Float32Array },
  complex128: { kind: 'c', itemsize: 16, lanes: 2, swap: 8, ctor: Float64Array },
};

export const DTYPE_NAMES = Object.keys(DTYPES) as DType[];

/** Number of elements of an array of this shape (1 for a 0-d array). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const dim of shape) n *= dim;
  return n;
}

/** The typed-array constructor name a dtype needs (for messages). */
export function arrayTypeName(dtype: DType): string {
  return DTYPES[dtype].ctor.name;
}

/** The dtype a bare typed array maps to (Uint8Array → uint8, Uint16Array → uint16). */
export function dtypeOfTypedArray(data: unknown): DType | undefined {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigUint64Array) return 'uint64';
  return undefined;
}

/**
 * Makes an NDArray, allocating zeroed data when `data` is omitted.
 * `ndarray('float32', [2, 3])`, `ndarray('int64', [4], BigInt64Array.of(1n, 2n, 3n, 4n))`.
 * Wrong arguments are NPY_VALUE_INVALID (every problem listed), a zeroed array too large to
 * allocate NPY_TOO_LARGE, and unknown options PLUGIN_OPTIONS_INVALID.
 */
export function ndarray<D extends DType>(dtype: D, shape: readonly number[], data?: DTypeArrays[D], options?: { fortranOrder?: boolean }): NDArray<D> {
  if (options !== undefined) checkOptions(ndarrayOptionsSchema, options, 'options of ndarray()');
  const call = `ndarray(${typeof dtype === 'string' ? `'${dtype}'` : describeData(dtype)}, ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describeData(shape)})`;
  const problems = ndarrayProblems(dtype, shape, data);
  if (problems.length > 0) {
    throw npyError(NpyErrorCodes.VALUE_INVALID, `${call} cannot make an array:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: "Pass a dtype from DTYPE_NAMES, a shape of sizes >= 0 and, if given, data of the dtype's typed array with product(shape) elements (twice that for complex), e.g. ndarray('float32', [2, 3], new Float32Array(6)).",
    });
  }
  const info = DTYPES[dtype];
  const length = elementCount(shape) * info.lanes;
  const values = data ?? (new info.ctor(allocate(length * (info.itemsize / info.lanes), call)) as DTypeArrays[D]);
  return { dtype, shape: [...shape], data: values, fortranOrder: options?.fortranOrder ?? false } as NDArray<D>;
}

/** What is wrong with ndarray()'s arguments, each saying what to pass instead. */
function ndarrayProblems(dtype: unknown, shape: unknown, data: unknown): string[] {
  const problems: string[] = [];
  const info = isDType(dtype) ? DTYPES[dtype] : undefined;
  if (!info) {
    const near = typeof dtype === 'string' ? didYouMean(nearestNames(dtype, DTYPE_NAMES)) : '';
    problems.push(`\`dtype\`: ${typeof dtype === 'string' ? `'${dtype}'` : describeData(dtype)} is not a dtype; use one of ${DTYPE_NAMES.join(', ')}.${near ? ` ${near}` : ''}`);
  }
  const shapeOk = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!shapeOk) {
    const given = Array.isArray(shape) ? `[${shape.map((d) => (typeof d === 'number' ? String(d) : JSON.stringify(d) ?? String(d))).join(', ')}]` : describeData(shape);
    problems.push(`\`shape\`: expected an array of non-negative integers, got ${given}; give each axis a size >= 0, e.g. [2, 3] ([] for a 0-d array)`);
  }
  if (!info || data === undefined) return problems;
  const name = info.ctor.name;
  if (!(data instanceof info.ctor)) {
    const natural = dtypeOfTypedArray(data);
    problems.push(`\`data\`: dtype '${dtype as string}' needs a ${name}, got ${describeData(data)}; convert the data to a ${name}${natural ? ` or pass dtype '${natural}'` : ''}`);
  } else if (shapeOk) {
    const length = (data as AnyTypedArray).length;
    const needed = elementCount(shape as number[]) * info.lanes;
    if (length !== needed) {
      const complex = info.lanes === 2 ? ' (interleaved re, im)' : '';
      const fits = length % info.lanes === 0 ? ` or a shape of ${length / info.lanes} elements` : '';
      problems.push(`\`data\`: shape [${(shape as number[]).join(', ')}] of ${dtype as string} needs ${needed} elements${complex}, got ${length}; pass ${needed} elements${fits}`);
    }
  }
  return problems;
}

/** Own keys only: `DTYPES['constructor']` must not pass for a dtype. */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.hasOwn(DTYPES, value);
}

export function describeData(data: unknown): string {
  if (data === null) return 'null';
  if (typeof data !== 'object') return typeof data;
  return (data as object).constructor?.name ?? 'object';
}

/** Decodes one IEEE-754 half-precision value from its 16 raw bits. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Encodes a number as IEEE-754 half-precision bits, rounding to nearest even (like numpy). */
export function numberToFloat16(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const abs = Math.abs(value);
  if (abs === Number.POSITIVE_INFINITY) return sign | 0x7c00;
  if (abs >= 65520) return sign | 0x7c00; // rounds to infinity
  if (abs < 2 ** -14) {
    // subnormal: units of 2^-24, round half to even
    return sign | roundHalfEven(abs / 2 ** -24);
  }
  let exponent = Math.floor(Math.log2(abs));
  if (2 ** exponent > abs) exponent -= 1;
  if (2 ** (exponent + 1) <= abs) exponent += 1;
  let mantissa = roundHalfEven((abs / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent += 1;
  }
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | mantissa;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Whole float16 array as float32 values (new array). */
export function float16ToFloat32Array(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16ToNumber(bits[i]!);
  return out;
}
