import type { FitsCard, FitsColumn, FitsColumnType, FitsHeader, FitsImageData } from './types.js';
import { fitsError, FitsErrorCodes } from './errors.js';

/** TFORM type codes this package reads and writes, with their byte width and JS type. */
const CODES: Record<string, { bytes: number; dtype: FitsColumnType }> = {
  L: { bytes: 1, dtype: 'bool' },
  X: { bytes: 0, dtype: 'bool' },
  B: { bytes: 1, dtype: 'uint8' },
  I: { bytes: 2, dtype: 'int16' },
  J: { bytes: 4, dtype: 'int32' },
  K: { bytes: 8, dtype: 'int64' },
  A: { bytes: 1, dtype: 'string' },
  E: { bytes: 4, dtype: 'float32' },
  D: { bytes: 8, dtype: 'float64' },
  C: { bytes: 8, dtype: 'complex64' },
  M: { bytes: 16, dtype: 'complex128' },
};

/** Column keywords that belong to the column objects, not to the table's header. */
export const COLUMN_KEYWORD = /^(TTYPE|TFORM|TUNIT|TSCAL|TZERO|TNULL|TDIM|TDISP)(\d+)$/;

export interface ParsedFormat {
  repeat: number;
  code: string;
  /** Bytes the column takes in a row. */
  width: number;
}

export function parseTform(tform: string): ParsedFormat | undefined {
  const m = /^\s*(\d*)([A-Z])(.*)$/.exec(tform.toUpperCase());
  if (!m) return undefined;
  const repeat = m[1] === '' ? 1 : Number(m[1]);
  const code = m[2]!;
  if (code === 'P' || code === 'Q') return { repeat, code, width: repeat > 0 ? (code === 'P' ? 8 : 16) : 0 };
  const info = CODES[code];
  if (!info) return undefined;
  const width = code === 'X' ? Math.ceil(repeat / 8) : repeat * info.bytes;
  return { repeat, code, width };
}

interface ColumnSpec {
  index: number;
  name: string;
  format: ParsedFormat;
  tform: string;
  offset: number;
  unit: string | undefined;
  tscal: number;
  tzero: number | bigint;
  tnull: number | bigint | undefined;
  tdim: number[] | undefined;
  tdisp: string | undefined;
}

function cardValue(cards: Map<string, FitsCard>, key: string) {
  return cards.get(key)?.value;
}

/** Reads the column layout from a BINTABLE header. */
export function columnSpecs(cards: Map<string, FitsCard>, tfields: number, rowBytes: number, where: string): ColumnSpec[] {
  const specs: ColumnSpec[] = [];
  let offset = 0;
  for (let n = 1; n <= tfields; n++) {
    const tform = cardValue(cards, `TFORM${n}`);
    const format = typeof tform === 'string' ? parseTform(tform) : undefined;
    if (!format) {
      throw fitsError(FitsErrorCodes.HEADER_INVALID, `${where}: column ${n} has ${tform === undefined ? 'no TFORM' : `an unknown TFORM ${JSON.stringify(tform)}`}.`, {
        hint: 'The table header is damaged; re-create the file.',
      });
    }
    const ttype = cardValue(cards, `TTYPE${n}`);
    const tdimText = cardValue(cards, `TDIM${n}`);
    const tdim = typeof tdimText === 'string' ? /^\s*\(([\d\s,]+)\)\s*$/.exec(tdimText)?.[1]?.split(',').map((d) => Number(d.trim())) : undefined;
    const tzero = cardValue(cards, `TZERO${n}`);
    const tscal = cardValue(cards, `TSCAL${n}`);
    const tnull = cardValue(cards, `TNULL${n}`);
    const unit = cardValue(cards, `TUNIT${n}`);
    const tdisp = cardValue(cards, `TDISP${n}`);
    specs.push({
      index: n,
      name: typeof ttype === 'string' ? ttype : `col${n}`,
      format,
      tform: tform as string,
      offset,
      unit: typeof unit === 'string' ? unit : undefined,
      tscal: typeof tscal === 'number' ? tscal : 1,
      tzero: typeof tzero === 'number' || typeof tzero === 'bigint' ? tzero : 0,
      tnull: typeof tnull === 'number' || typeof tnull === 'bigint' ? tnull : undefined,
      tdim: tdim && tdim.every((d) => Number.isSafeInteger(d) && d >= 0) ? tdim : undefined,
      tdisp: typeof tdisp === 'string' ? tdisp : undefined,
    });
    offset += format.width;
  }
  if (offset !== rowBytes) {
    throw fitsError(FitsErrorCodes.HEADER_INVALID, `${where}: the columns add up to ${offset} bytes per row but NAXIS1 says ${rowBytes}.`, {
      hint: 'The table header is damaged; re-create the file.',
    });
  }
  return specs;
}

const UNSIGNED_TZERO: Record<string, { tzero: bigint; dtype: FitsColumnType }> = {
  I: { tzero: 32768n, dtype: 'uint16' },
  J: { tzero: 2147483648n, dtype: 'uint32' },
  K: { tzero: 9223372036854775808n, dtype: 'uint64' },
  B: { tzero: -128n, dtype: 'int8' },
};

function isUnsignedConvention(spec: ColumnSpec): boolean {
  const u = UNSIGNED_TZERO[spec.format.code];
  return !!u && spec.tscal === 1 && BigInt(spec.tzero) === u.tzero;
}

/** Decodes one column from the table bytes (rows × rowBytes, big endian). */
export function decodeColumn(table: Uint8Array, rows: number, rowBytes: number, spec: ColumnSpec, where: string): FitsColumn {
  const { code, repeat } = spec.format;
  if (code === 'P' || code === 'Q') {
    throw fitsError(FitsErrorCodes.COLUMN_UNSUPPORTED, `${where}: column '${spec.name}' (TFORM ${spec.tform}) holds variable-length arrays, which @aeroml/handler-fits does not read.`, {
      hint: `Read the other columns with { columns: [...] }, or store fixed-length arrays (TFORM like '${repeat || 1}E').`,
    });
  }
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const cell = code === 'X' ? repeat : code === 'A' ? 1 : repeat;
  const shape = code === 'A' ? [] : spec.tdim && spec.tdim.reduce((a, b) => a * b, 1) === repeat ? [...spec.tdim].reverse() : repeat === 1 ? [] : [repeat];
  const base: Omit<FitsColumn, 'data' | 'dtype'> = { name: spec.name, shape, format: spec.tform };
  if (spec.unit !== undefined) base.unit = spec.unit;
  if (spec.tnull !== undefined) base.null = spec.tnull;
  if (spec.tdisp !== undefined) base.display = spec.tdisp;
  const at = (row: number, k: number, size: number) => row * rowBytes + spec.offset + k * size;

  if (code === 'A') {
    const out: string[] = new Array(rows);
    for (let r = 0; r < rows; r++) {
      let text = '';
      for (let k = 0; k < repeat; k++) {
        const b = table[at(r, k, 1)]!;
        if (b === 0) break;
        text += String.fromCharCode(b);
      }
      out[r] = text.replace(/ +$/, '');
    }
    return { ...base, dtype: 'string', data: out };
  }
  if (code === 'L' || code === 'X') {
    const out = new Uint8Array(rows * cell);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < repeat; k++) {
        out[r * cell + k] = code === 'L' ? (table[at(r, k, 1)] === 0x54 ? 1 : 0) : (table[at(r, k >> 3, 1)]! >> (7 - (k & 7))) & 1;
      }
    }
    return { ...base, dtype: 'bool', data: out };
  }
  const n = rows * repeat;
  const size = CODES[code]!.bytes;
  const scaled = spec.tscal !== 1 || (spec.tzero !== 0 && spec.tzero !== 0n);
  if (scaled && isUnsignedConvention(spec)) {
    const u = UNSIGNED_TZERO[code]!;
    if (code === 'B') {
      const out = new Int8Array(n);
      for (let r = 0; r < rows; r++) for (let k = 0; k < repeat; k++) out[r * repeat + k] = view.getUint8(at(r, k, 1)) - 128;
      return { ...base, dtype: u.dtype, data: out };
    }
    if (code === 'I') {
      const out = new Uint16Array(n);
      for (let r = 0; r < rows; r++) for (let k = 0; k < repeat; k++) out[r * repeat + k] = view.getInt16(at(r, k, 2)) + 32768;
      return { ...base, dtype: u.dtype, data: out };
    }
    if (code === 'J') {
      const out = new Uint32Array(n);
      for (let r = 0; r < rows; r++) for (let k = 0; k < repeat; k++) out[r * repeat + k] = view.getInt32(at(r, k, 4)) + 2147483648;
      return { ...base, dtype: u.dtype, data: out };
    }
    const out = new BigUint64Array(n);
    for (let r = 0; r < rows; r++) for (let k = 0; k < repeat; k++) out[r * repeat + k] = view.getBigUint64(at(r, k, 8)) ^ (1n << 63n);
    return { ...base, dtype: u.dtype, data: out };
  }
  if (scaled && code !== 'C' && code !== 'M') {
    // Like astropy: scaled columns become float64 physical values.
    const tscal = spec.tscal;
    const tzero = Number(spec.tzero);
    const out = new Float64Array(n);
    const get = getter(view, code);
    for (let r = 0; r < rows; r++) for (let k = 0; k < repeat; k++) out[r * repeat + k] = Number(get(at(r, k, size))) * tscal + tzero;
    return { ...base, dtype: 'float64', data: out, scale: { bscale: tscal, bzero: tzero } } as FitsColumn;
  }
  const lanes = code === 'C' || code === 'M' ? 2 : 1;
  const part = lanes === 2 ? size / 2 : size;
  const dtype = CODES[code]!.dtype;
  const out = new DTYPE_FORMAT[dtype as Exclude<FitsColumnType, 'string'>].ctor(n * lanes);
  const get = getter(view, code);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < repeat * lanes; k++) (out as unknown as Array<number | bigint>)[r * repeat * lanes + k] = get(at(r, k, part));
  }
  return { ...base, dtype, data: out };
}

function getter(view: DataView, code: string): (offset: number) => number | bigint {
  switch (code) {
    case 'B':
      return (o) => view.getUint8(o);
    case 'I':
      return (o) => view.getInt16(o);
    case 'J':
      return (o) => view.getInt32(o);
    case 'K':
      return (o) => view.getBigInt64(o);
    case 'E':
    case 'C':
      return (o) => view.getFloat32(o);
    default:
      return (o) => view.getFloat64(o);
  }
}

// ---------------------------------------------------------------------------------------
// Writing

/** Each dtype's TFORM code, unsigned TZERO, array type (the reader allocates columns with it too) and lanes. */
const DTYPE_FORMAT: Record<Exclude<FitsColumnType, 'string'>, { code: string; tzero?: bigint; ctor: new (length: number) => FitsImageData; lanes: 1 | 2 }> = {
  bool: { code: 'L', ctor: Uint8Array, lanes: 1 },
  uint8: { code: 'B', ctor: Uint8Array, lanes: 1 },
  int8: { code: 'B', tzero: -128n, ctor: Int8Array, lanes: 1 },
  int16: { code: 'I', ctor: Int16Array, lanes: 1 },
  uint16: { code: 'I', tzero: 32768n, ctor: Uint16Array, lanes: 1 },
  int32: { code: 'J', ctor: Int32Array, lanes: 1 },
  uint32: { code: 'J', tzero: 2147483648n, ctor: Uint32Array, lanes: 1 },
  int64: { code: 'K', ctor: BigInt64Array, lanes: 1 },
  uint64: { code: 'K', tzero: 9223372036854775808n, ctor: BigUint64Array, lanes: 1 },
  float32: { code: 'E', ctor: Float32Array, lanes: 1 },
  float64: { code: 'D', ctor: Float64Array, lanes: 1 },
  complex64: { code: 'C', ctor: Float32Array, lanes: 2 },
  complex128: { code: 'M', ctor: Float64Array, lanes: 2 },
};

export interface ColumnPlan {
  column: FitsColumn;
  code: string;
  repeat: number;
  width: number;
  offset: number;
  tzero: bigint | undefined;
  /** Quantize float data into the stored type. */
  scale: { bscale: number; bzero: number } | undefined;
  cards: FitsCard[];
}

/** Checks a table value and works out each column's TFORM, offsets and keyword cards. */
export function planTable(rows: number, columns: FitsColumn[], where: string): { plans: ColumnPlan[]; rowBytes: number } {
  const problems: string[] = [];
  if (!Number.isSafeInteger(rows) || rows < 0) problems.push(`\`rows\`: expected a non-negative integer, got ${JSON.stringify(rows)}`);
  if (!Array.isArray(columns)) problems.push('`columns`: expected an array of columns');
  const plans: ColumnPlan[] = [];
  let offset = 0;
  (Array.isArray(columns) ? columns : []).forEach((column, i) => {
    const at = `\`columns.${i}\``;
    if (typeof column !== 'object' || column === null || typeof column.name !== 'string' || !/^[\x20-\x7e]*$/.test(column.name)) {
      problems.push(`${at}: expected a column { name, dtype, shape, data } with a printable ASCII name`);
      return;
    }
    const shape = column.shape ?? [];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      problems.push(`${at} (${column.name}): \`shape\` must be an array of non-negative integers`);
      return;
    }
    const cellCount = shape.reduce((a, b) => a * b, 1);
    let code: string;
    let repeat: number;
    let tzero: bigint | undefined;
    let scale: ColumnPlan['scale'];
    if (column.scale !== undefined) {
      const given = column.format ? parseTform(column.format) : undefined;
      const { bscale, bzero } = column.scale;
      if (!given || !'BIJKED'.includes(given.code)) {
        problems.push(`${at} (${column.name}): a scaled column needs \`format\` with the stored type (B, I, J, K, E or D), got ${JSON.stringify(column.format)}`);
        return;
      }
      if (typeof bscale !== 'number' || typeof bzero !== 'number' || !Number.isFinite(bscale) || !Number.isFinite(bzero) || bscale === 0) {
        problems.push(`${at} (${column.name}): \`scale\` needs finite numbers bscale (not 0) and bzero`);
        return;
      }
      if (!(column.data instanceof Float64Array || column.data instanceof Float32Array)) {
        problems.push(`${at} (${column.name}): a scaled column holds physical values in a Float64Array or Float32Array`);
        return;
      }
      if (column.data.length !== rows * cellCount) problems.push(`${at} (${column.name}): ${rows} rows of shape [${shape.join(', ')}] need ${rows * cellCount} elements, got ${column.data.length}`);
      code = given.code;
      repeat = cellCount;
      scale = { bscale, bzero };
    } else if (column.dtype === 'string') {
      if (!Array.isArray(column.data) || !column.data.every((s) => typeof s === 'string' && /^[\x20-\x7e]*$/.test(s))) {
        problems.push(`${at} (${column.name}): a string column needs an array of printable ASCII strings`);
        return;
      }
      if (column.data.length !== rows) problems.push(`${at} (${column.name}): ${rows} rows need ${rows} strings, got ${column.data.length}`);
      const longest = column.data.reduce((m, s) => Math.max(m, s.length), 0);
      const given = column.format ? parseTform(column.format) : undefined;
      repeat = given?.code === 'A' ? given.repeat : Math.max(1, longest);
      if (longest > repeat) problems.push(`${at} (${column.name}): format ${column.format} holds ${repeat} characters but a value has ${longest}`);
      code = 'A';
    } else {
      const info = DTYPE_FORMAT[column.dtype as Exclude<FitsColumnType, 'string'>];
      if (!info) {
        problems.push(`${at} (${column.name}): unknown dtype ${JSON.stringify(column.dtype)}`);
        return;
      }
      if (!(column.data instanceof info.ctor)) {
        problems.push(`${at} (${column.name}): dtype ${column.dtype} needs a ${info.ctor.name}, got ${(column.data as object)?.constructor?.name ?? typeof column.data}`);
        return;
      }
      const expected = rows * cellCount * info.lanes;
      if ((column.data as FitsImageData).length !== expected) {
        problems.push(`${at} (${column.name}): ${rows} rows of shape [${shape.join(', ')}] need ${expected} elements${info.lanes === 2 ? ' (interleaved re, im)' : ''}, got ${(column.data as FitsImageData).length}`);
      }
      code = info.code;
      repeat = cellCount;
      tzero = info.tzero;
      if (column.dtype === 'bool' && column.format && parseTform(column.format)?.code === 'X') code = 'X';
    }
    const width = code === 'X' ? Math.ceil(repeat / 8) : repeat * CODES[code]!.bytes;
    const k = plans.length + 1;
    const tform = `${repeat === 1 && code !== 'A' ? '' : repeat}${code}`;
    if (!scale && column.format && column.format.toUpperCase().replace(/^1(?=[A-Z])/, '') !== tform.replace(/^1(?=[A-Z])/, '') && code !== 'A') {
      problems.push(`${at} (${column.name}): format ${JSON.stringify(column.format)} does not match dtype ${column.dtype} with shape [${shape.join(', ')}] (that is ${tform})`);
    }
    const cards: FitsCard[] = [{ key: `TTYPE${k}`, value: column.name }, { key: `TFORM${k}`, value: tform }];
    if (column.unit !== undefined) cards.push({ key: `TUNIT${k}`, value: column.unit });
    if (column.null !== undefined) cards.push({ key: `TNULL${k}`, value: column.null });
    if (scale) {
      cards.push({ key: `TSCAL${k}`, value: scale.bscale, float: true }, { key: `TZERO${k}`, value: scale.bzero, float: true });
    }
    if (tzero !== undefined) cards.push({ key: `TZERO${k}`, value: tzero >= -(2n ** 53n) && tzero <= 2n ** 53n ? Number(tzero) : tzero });
    if (column.display !== undefined) cards.push({ key: `TDISP${k}`, value: column.display });
    if (shape.length > 1) cards.push({ key: `TDIM${k}`, value: `(${[...shape].reverse().join(',')})` });
    plans.push({ column, code, repeat, width, offset, tzero, scale, cards });
    offset += width;
  });
  if (problems.length > 0) {
    throw fitsError(FitsErrorCodes.VALUE_INVALID, `Cannot write ${where}: the table is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: "Each column needs data with rows × product(shape) elements of its dtype's typed array (string columns: one string per row).",
    });
  }
  return { plans, rowBytes: offset };
}

/** Encodes rows [first, first + count) into `out` (count × rowBytes bytes, big endian). */
export function encodeRows(plans: ColumnPlan[], rowBytes: number, first: number, count: number, out: Uint8Array, where: string): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out.fill(0, 0, count * rowBytes);
  for (const plan of plans) {
    const { code, repeat, offset } = plan;
    const data = plan.column.data;
    if (code === 'A') {
      const strings = data as string[];
      for (let r = 0; r < count; r++) {
        const text = strings[first + r]!;
        const base = r * rowBytes + offset;
        for (let k = 0; k < repeat; k++) out[base + k] = k < text.length ? text.charCodeAt(k) : 0x20;
      }
      continue;
    }
    if (code === 'L' || code === 'X') {
      const bits = data as Uint8Array;
      for (let r = 0; r < count; r++) {
        const base = r * rowBytes + offset;
        for (let k = 0; k < repeat; k++) {
          const on = bits[(first + r) * repeat + k]! !== 0;
          if (code === 'L') out[base + k] = on ? 0x54 : 0x46;
          else if (on) out[base + (k >> 3)] = out[base + (k >> 3)]! | (0x80 >> (k & 7));
        }
      }
      continue;
    }
    if (plan.scale) {
      encodeScaled(plan, plan.scale, rowBytes, first, count, view, where);
      continue;
    }
    const lanes = code === 'C' || code === 'M' ? 2 : 1;
    const size = CODES[code]!.bytes / lanes;
    const per = repeat * lanes;
    const values = data as ArrayLike<number | bigint>;
    for (let r = 0; r < count; r++) {
      const base = r * rowBytes + offset;
      const src = (first + r) * per;
      for (let k = 0; k < per; k++) {
        const o = base + k * size;
        const v = values[src + k]!;
        switch (code) {
          case 'B':
            view.setUint8(o, plan.tzero === undefined ? (v as number) : (v as number) + 128);
            break;
          case 'I':
            view.setInt16(o, plan.tzero === undefined ? (v as number) : (v as number) - 32768);
            break;
          case 'J':
            view.setInt32(o, plan.tzero === undefined ? (v as number) : (v as number) - 2147483648);
            break;
          case 'K':
            if (plan.tzero === undefined) view.setBigInt64(o, v as bigint);
            else view.setBigUint64(o, (v as bigint) ^ (1n << 63n));
            break;
          case 'E':
          case 'C':
            view.setFloat32(o, v as number);
            break;
          default:
            view.setFloat64(o, v as number);
        }
      }
    }
  }
}

const STORED_RANGE: Record<string, [number, number]> = { B: [0, 255], I: [-32768, 32767], J: [-2147483648, 2147483647], K: [-(2 ** 63), 2 ** 63 - 1] };

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function encodeScaled(plan: ColumnPlan, scale: { bscale: number; bzero: number }, rowBytes: number, first: number, count: number, view: DataView, where: string): void {
  const { code, repeat, offset } = plan;
  const values = plan.column.data as Float64Array | Float32Array;
  const size = CODES[code]!.bytes;
  const range = STORED_RANGE[code];
  for (let r = 0; r < count; r++) {
    for (let k = 0; k < repeat; k++) {
      const index = (first + r) * repeat + k;
      const x = values[index]!;
      const o = r * rowBytes + offset + k * size;
      const stored = (x - scale.bzero) / scale.bscale;
      if (!range) {
        if (code === 'E') view.setFloat32(o, stored);
        else view.setFloat64(o, stored);
        continue;
      }
      const q = roundHalfEven(stored);
      if (!(q >= range[0] && q <= range[1])) {
        throw fitsError(
          FitsErrorCodes.VALUE_INVALID,
          `Cannot write ${where}: column '${plan.column.name}' value ${x} (row ${first + r}) does not fit TFORM ${code} with TSCAL ${scale.bscale} and TZERO ${scale.bzero}.`,
          { hint: 'Choose a scale that maps the values into the stored integer range, or write the column unscaled (float64).' },
        );
      }
      if (code === 'B') view.setUint8(o, q);
      else if (code === 'I') view.setInt16(o, q);
      else if (code === 'J') view.setInt32(o, q);
      else view.setBigInt64(o, BigInt(q));
    }
  }
}

/** Header cards of a table that are not derived from its columns. */
export function isColumnKeyword(key: string): boolean {
  return COLUMN_KEYWORD.test(key);
}

export type { FitsHeader };
