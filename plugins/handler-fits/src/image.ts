import type { FileHandle } from 'node:fs/promises';
import type { Bitpix, FitsImageData } from './types.js';
import { allocate, NATIVE_LITTLE, readAt, toFromBigEndian, writeAt } from './io.js';
import type { OnesComplementSum } from './checksum.js';
import { fitsError, FitsErrorCodes } from './errors.js';

type TypedCtor = new (buffer: ArrayBuffer, byteOffset?: number, length?: number) => FitsImageData;

export const BITPIX_TYPES: Record<Bitpix, { bytes: number; ctor: TypedCtor; integer: boolean }> = {
  8: { bytes: 1, ctor: Uint8Array, integer: true },
  16: { bytes: 2, ctor: Int16Array, integer: true },
  32: { bytes: 4, ctor: Int32Array, integer: true },
  64: { bytes: 8, ctor: BigInt64Array, integer: true },
  [-32]: { bytes: 4, ctor: Float32Array, integer: false },
  [-64]: { bytes: 8, ctor: Float64Array, integer: false },
} as Record<Bitpix, { bytes: number; ctor: TypedCtor; integer: boolean }>;

export function isBitpix(value: unknown): value is Bitpix {
  return value === 8 || value === 16 || value === 32 || value === 64 || value === -32 || value === -64;
}

/** The unsigned (or, for BITPIX 8, signed) type a BZERO offset of 2^(bits-1) stands for. */
export const UNSIGNED: Partial<Record<Bitpix, { ctor: TypedCtor; bzero: bigint }>> = {
  8: { ctor: Int8Array, bzero: -128n },
  16: { ctor: Uint16Array, bzero: 32768n },
  32: { ctor: Uint32Array, bzero: 2147483648n },
  64: { ctor: BigUint64Array, bzero: 9223372036854775808n },
};

/** How stored values become the values a user sees. */
export type Conversion =
  | { kind: 'raw' }
  | { kind: 'unsigned' }
  | { kind: 'scaled'; bscale: number; bzero: number; blank: number | bigint | undefined; out: 'float32' | 'float64' };

/** Natural BITPIX of a typed array (and whether it needs the unsigned BZERO). */
export function naturalBitpix(data: unknown): { bitpix: Bitpix; unsigned: boolean } | undefined {
  if (data instanceof Uint8Array) return { bitpix: 8, unsigned: false };
  if (data instanceof Int8Array) return { bitpix: 8, unsigned: true };
  if (data instanceof Int16Array) return { bitpix: 16, unsigned: false };
  if (data instanceof Uint16Array) return { bitpix: 16, unsigned: true };
  if (data instanceof Int32Array) return { bitpix: 32, unsigned: false };
  if (data instanceof Uint32Array) return { bitpix: 32, unsigned: true };
  if (data instanceof BigInt64Array) return { bitpix: 64, unsigned: false };
  if (data instanceof BigUint64Array) return { bitpix: 64, unsigned: true };
  if (data instanceof Float32Array) return { bitpix: -32, unsigned: false };
  if (data instanceof Float64Array) return { bitpix: -64, unsigned: false };
  return undefined;
}

/** Flips the sign bit of every stored element in place: signed ⇄ offset-binary unsigned (BZERO = 2^(n-1)). */
export function flipSignBits(bytes: Uint8Array, width: number): void {
  const n = bytes.length / width;
  if (width === 1) {
    for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0x80;
    return;
  }
  // Native byte order here: the most significant byte is the last (little endian) or first one.
  const top = NATIVE_LITTLE ? width - 1 : 0;
  if (width === 2 && bytes.byteOffset % 2 === 0) {
    const words = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    for (let i = 0; i < n; i++) words[i] = words[i]! ^ 0x8000;
    return;
  }
  if (width === 4 && bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n);
    for (let i = 0; i < n; i++) words[i] = (words[i]! ^ 0x80000000) >>> 0;
    return;
  }
  for (let i = 0; i < n; i++) bytes[i * width + top] = bytes[i * width + top]! ^ 0x80;
}

function truncated(where: string, expected: number, got: number) {
  return fitsError(FitsErrorCodes.TRUNCATED, `${where} is truncated: its data unit needs ${expected} bytes but the file ends after ${got}.`, {
    hint: 'The file was cut short (interrupted copy or write); produce it again.',
  });
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Reads an image's data unit. Same-size conversions (raw, unsigned) read straight into
 * the result buffer and fix byte order in place; scaled ones go through one scratch chunk.
 * Every stored byte passes through `sum` when checksums are being verified.
 */
export async function readImageData(
  fh: FileHandle,
  start: number,
  bitpix: Bitpix,
  count: number,
  conversion: Conversion,
  chunkSize: number,
  sum: OnesComplementSum | undefined,
  where: string,
): Promise<FitsImageData> {
  const stored = BITPIX_TYPES[bitpix];
  const total = count * stored.bytes;
  const chunk = Math.max(8, chunkSize - (chunkSize % 8));
  if (conversion.kind !== 'scaled' || (!stored.integer && (conversion.out === 'float32') === (bitpix === -32))) {
    const buffer = allocate(total, where);
    const bytes = new Uint8Array(buffer);
    for (let offset = 0; offset < total; offset += chunk) {
      const part = bytes.subarray(offset, Math.min(total, offset + chunk));
      const got = await readAt(fh, part, start + offset);
      if (got < part.length) throw truncated(where, total, offset + got);
      sum?.add(part);
      toFromBigEndian(part, stored.bytes);
      if (conversion.kind === 'unsigned') flipSignBits(part, stored.bytes);
    }
    if (conversion.kind === 'unsigned') return new UNSIGNED[bitpix]!.ctor(buffer);
    const data = new stored.ctor(buffer);
    if (conversion.kind === 'scaled') scaleFloatsInPlace(data as Float32Array | Float64Array, conversion);
    return data;
  }
  const outCtor = conversion.out === 'float32' ? Float32Array : Float64Array;
  const out = new outCtor(allocate(count * outCtor.BYTES_PER_ELEMENT, where));
  const scratch = new ArrayBuffer(Math.min(chunk, Math.max(total, 8)));
  const perChunk = Math.floor(scratch.byteLength / stored.bytes);
  const f32 = conversion.out === 'float32';
  const bscale = f32 ? Math.fround(conversion.bscale) : conversion.bscale;
  const bzero = f32 ? Math.fround(conversion.bzero) : conversion.bzero;
  const blank = conversion.blank;
  for (let first = 0; first < count; first += perChunk) {
    const n = Math.min(perChunk, count - first);
    const part = new Uint8Array(scratch, 0, n * stored.bytes);
    const got = await readAt(fh, part, start + first * stored.bytes);
    if (got < part.length) throw truncated(where, total, first * stored.bytes + got);
    sum?.add(part);
    toFromBigEndian(part, stored.bytes);
    const values = new stored.ctor(scratch, 0, n);
    if (values instanceof BigInt64Array) {
      const blank64 = blank === undefined ? undefined : BigInt(blank);
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        out[first + i] = v === blank64 ? Number.NaN : Number(v) * bscale + bzero;
      }
    } else {
      const nums = values as Exclude<FitsImageData, BigInt64Array | BigUint64Array>;
      const blankNum = blank === undefined || !stored.integer ? undefined : Number(blank);
      if (f32) {
        for (let i = 0; i < n; i++) {
          const v = nums[i]!;
          out[first + i] = v === blankNum ? Number.NaN : Math.fround(Math.fround(v * bscale) + bzero);
        }
      } else {
        for (let i = 0; i < n; i++) {
          const v = nums[i]!;
          out[first + i] = v === blankNum ? Number.NaN : v * bscale + bzero;
        }
      }
    }
  }
  return out;
}

function scaleFloatsInPlace(data: Float32Array | Float64Array, conversion: Extract<Conversion, { kind: 'scaled' }>): void {
  if (data instanceof Float32Array) {
    const bscale = Math.fround(conversion.bscale);
    const bzero = Math.fround(conversion.bzero);
    for (let i = 0; i < data.length; i++) data[i] = Math.fround(Math.fround(data[i]! * bscale) + bzero);
  } else {
    for (let i = 0; i < data.length; i++) data[i] = data[i]! * conversion.bscale + conversion.bzero;
  }
}

export interface ImageWritePlan {
  bitpix: Bitpix;
  /** Write Int8/Uint16/Uint32/BigUint64 data with the BZERO offset convention. */
  unsigned: boolean;
  /** Quantize physical values: stored = round((x - bzero) / bscale). */
  scale: { bscale: number; bzero: number; blank: number | bigint | undefined } | undefined;
}

/**
 * Writes an image's data unit from `start` (without padding) chunk by chunk through one
 * scratch buffer: big-endian conversion, unsigned offsets and quantization happen there,
 * never on a full copy. Returns the bytes written.
 */
export async function writeImageData(
  fh: FileHandle,
  start: number,
  data: FitsImageData,
  plan: ImageWritePlan,
  chunkSize: number,
  sum: OnesComplementSum | undefined,
  where: string,
): Promise<number> {
  const stored = BITPIX_TYPES[plan.bitpix];
  const count = data.length;
  const total = count * stored.bytes;
  const chunk = Math.max(8, chunkSize - (chunkSize % 8));
  const scratch = new ArrayBuffer(Math.min(chunk, Math.max(total, 8)));
  const perChunk = Math.floor(scratch.byteLength / stored.bytes);
  const source = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let first = 0; first < count; first += perChunk) {
    const n = Math.min(perChunk, count - first);
    const part = new Uint8Array(scratch, 0, n * stored.bytes);
    if (plan.scale) {
      quantize(data, first, n, new stored.ctor(scratch, 0, n), plan.scale, plan.bitpix, where);
    } else {
      part.set(source.subarray(first * stored.bytes, (first + n) * stored.bytes));
      if (plan.unsigned) flipSignBits(part, stored.bytes);
    }
    toFromBigEndian(part, stored.bytes);
    sum?.add(part);
    await writeAt(fh, part, start + first * stored.bytes);
  }
  return total;
}

const INT_RANGE: Record<number, [number, number]> = { 8: [0, 255], 16: [-32768, 32767], 32: [-2147483648, 2147483647] };

function quantize(data: FitsImageData, first: number, n: number, out: FitsImageData, scale: NonNullable<ImageWritePlan['scale']>, bitpix: Bitpix, where: string): void {
  const { bscale, bzero, blank } = scale;
  const src = data as ArrayLike<number | bigint>;
  if (out instanceof Float32Array || out instanceof Float64Array) {
    for (let i = 0; i < n; i++) out[i] = (Number(src[first + i]!) - bzero) / bscale;
    return;
  }
  const outOfRange = (x: number, index: number) =>
    fitsError(
      FitsErrorCodes.VALUE_INVALID,
      `Cannot write ${where}: value ${x} at index ${index} does not fit BITPIX ${bitpix} with BSCALE ${bscale} and BZERO ${bzero}.`,
      { hint: 'Choose BSCALE/BZERO so that (value - BZERO) / BSCALE fits the BITPIX integer range, or write floats (BITPIX -32/-64).' },
    );
  const noBlank = (index: number) =>
    fitsError(FitsErrorCodes.VALUE_INVALID, `Cannot write ${where}: NaN at index ${index} cannot be stored as an integer without a BLANK value.`, {
      hint: "Add a BLANK card to the header (e.g. { key: 'BLANK', value: -32768 }) so NaN pixels are stored as that value.",
    });
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) {
      const x = Number(src[first + i]!);
      if (Number.isNaN(x)) {
        if (blank === undefined) throw noBlank(first + i);
        out[i] = BigInt(blank);
        continue;
      }
      const q = roundHalfEven((x - bzero) / bscale);
      if (!(q >= -(2 ** 63) && q < 2 ** 63)) throw outOfRange(x, first + i);
      out[i] = BigInt(q);
    }
    return;
  }
  const [min, max] = INT_RANGE[bitpix]!;
  const ints = out as Uint8Array | Int16Array | Int32Array;
  const blankNum = blank === undefined ? undefined : Number(blank);
  for (let i = 0; i < n; i++) {
    const x = Number(src[first + i]!);
    if (Number.isNaN(x)) {
      if (blankNum === undefined) throw noBlank(first + i);
      ints[i] = blankNum;
      continue;
    }
    const q = roundHalfEven((x - bzero) / bscale);
    if (!(q >= min && q <= max)) throw outOfRange(x, first + i);
    ints[i] = q;
  }
}
