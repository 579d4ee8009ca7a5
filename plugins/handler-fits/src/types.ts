/**
 * FITS values. Every HDU keeps its own header as an ordered list of cards; the
 * structural keywords (SIMPLE, XTENSION, BITPIX, NAXISn, PCOUNT, GCOUNT, EXTEND,
 * TFIELDS, TTYPEn/TFORMn/..., CHECKSUM, DATASUM) are not in it: they are derived from
 * the data when writing, so a header can never contradict its data.
 */

/** A complex header value `(re, im)`. */
export interface FitsComplex {
  re: number;
  im: number;
}

/** Header values: strings, integers (bigint beyond 2^53), floats, logicals, complex, or null (no value). */
export type FitsCardValue = string | number | bigint | boolean | null | FitsComplex;

export interface FitsCard {
  /**
   * Keyword, upper case. `COMMENT`, `HISTORY` and `''` (blank) are commentary cards whose
   * text is `value`. Keys longer than 8 characters or with spaces use the HIERARCH
   * convention (`ESO DET CHIP`).
   */
  key: string;
  value: FitsCardValue;
  comment?: string;
  /** Set on reads when a float happens to be integral (`EXPTIME = 3.0`), so writing keeps it a float. */
  float?: boolean;
}

export type FitsHeader = FitsCard[];

/** Typed arrays an image can hold; the type follows numpy's/astropy's choice for the BITPIX and scaling. */
export type FitsImageData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export type Bitpix = 8 | 16 | 32 | 64 | -32 | -64;

/**
 * An image HDU (the primary HDU or an IMAGE extension).
 * - `shape` is in C order, slowest axis first, like numpy/astropy: `[NAXIS2, NAXIS1]`.
 *   `[]` means the HDU has no data (NAXIS = 0), with an empty `data`.
 * - `data` holds physical values in native byte order: BSCALE/BZERO are applied on read
 *   (unsigned conventions give Uint16Array/Uint32Array/BigUint64Array/Int8Array; other
 *   scaling gives Float32Array for BITPIX 8/16 and Float64Array for 32/64, as astropy does).
 * - `bitpix` is the stored BITPIX. `scale` is set when data were (or are to be) scaled.
 */
export interface FitsImage<D extends FitsImageData = FitsImageData> {
  bitpix: Bitpix;
  shape: number[];
  data: D;
  header: FitsHeader;
  /** BSCALE/BZERO between stored and physical values (absent for unscaled and unsigned-convention data). */
  scale?: { bscale: number; bzero: number };
}

/** A column's element type (numpy's names; `string` for `A` columns). */
export type FitsColumnType =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'complex64'
  | 'complex128'
  | 'string';

export type FitsColumnData = FitsImageData | string[];

/**
 * One BINTABLE column. `data` has `rows * product(shape)` elements in row order
 * (complex: interleaved re, im pairs, twice as many). `bool` columns (L and X) are
 * Uint8Array of 0/1.
 */
export interface FitsColumn {
  name: string;
  dtype: FitsColumnType;
  /** Shape of one cell, C order: `[]` for scalars, `[3]` for `3E`, TDIM reversed otherwise. */
  shape: number[];
  data: FitsColumnData;
  /** TFORM as in the file (`3E`, `16X`); derived from dtype and shape when writing if absent. */
  format?: string;
  unit?: string;
  /** TNULL: the stored integer that marks a missing value. */
  null?: number | bigint;
  /** TDISP display format. */
  display?: string;
  /**
   * TSCAL/TZERO between stored integers and the (float64) physical `data`: set on read when
   * applied; on write, quantizes `data` into the integer type of `format` (`I`, `J`, ...).
   */
  scale?: { bscale: number; bzero: number };
}

/** A binary-table extension (BINTABLE). */
export interface FitsTable {
  rows: number;
  columns: FitsColumn[];
  header: FitsHeader;
}

export type FitsHDU = FitsImage | FitsTable;

/** Several HDUs: the first is the primary (an image, possibly without data). */
export interface FitsFile {
  hdus: FitsHDU[];
}

/** What the `fits` handler reads and writes. */
export type FitsValue = FitsImage | FitsTable | FitsFile;

export function isFitsFile(value: unknown): value is FitsFile {
  return typeof value === 'object' && value !== null && Array.isArray((value as FitsFile).hdus);
}

export function isFitsTable(value: unknown): value is FitsTable {
  return typeof value === 'object' && value !== null && Array.isArray((value as FitsTable).columns);
}

export function isFitsImage(value: unknown): value is FitsImage {
  return typeof value === 'object' && value !== null && 'data' in value && 'shape' in value && !isFitsTable(value);
}
