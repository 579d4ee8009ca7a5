import { DTYPES, DTYPE_NAMES, elementCount, type DType } from './ndarray.js';
import { npyError, NpyErrorCodes } from './errors.js';

/**
 * The NPY header: magic `\x93NUMPY`, version, a little-endian length (uint16 for 1.0,
 * uint32 for 2.0/3.0) and a Python dict literal `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (3, 4), }` padded with spaces and a newline so the payload starts on a
 * 64-byte boundary.
 */
export const MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // \x93NUMPY
export const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

export type NpyVersion = '1.0' | '2.0' | '3.0';
export type ByteOrder = 'little' | 'big';

export interface NpyHeader {
  version: NpyVersion;
  dtype: DType;
  /** Byte order of the payload in the file. */
  byteOrder: ByteOrder;
  shape: number[];
  fortranOrder: boolean;
  /** Bytes of magic + length + header text: the payload starts here. */
  headerLength: number;
  /** Payload size in bytes. */
  dataBytes: number;
}

export const NATIVE_ORDER: ByteOrder = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 'little' : 'big';

/** Bytes after the magic that say how long the header is, by major version. */
export function lengthFieldSize(major: number): 2 | 4 {
  return major === 1 ? 2 : 4;
}

/** Checks magic and version in the first 8 bytes; returns the version. */
export function parsePreamble(bytes: Uint8Array, where: string): NpyVersion {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      throw npyError(NpyErrorCodes.NOT_NPY, `${where} is not an NPY file: it does not start with the magic bytes \\x93NUMPY.`, {
        hint: 'Write it with numpy.save (or the npy handler), or use the handler that matches its real format.',
      });
    }
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    throw npyError(NpyErrorCodes.VERSION_UNSUPPORTED, `${where} uses NPY format version ${major}.${minor}; @aeroml/handler-npy reads versions 1.0, 2.0 and 3.0.`, {
      hint: 'Re-save the array with numpy.save from a numpy release that writes format 1.0-3.0.',
    });
  }
  return `${major}.0` as NpyVersion;
}

/** Parses the header text (the Python dict literal). */
export function parseHeaderText(text: string, version: NpyVersion, headerLength: number, where: string): NpyHeader {
  let dict: unknown;
  try {
    dict = new PyLiteralParser(text).parseTop();
  } catch (error) {
    throw npyError(NpyErrorCodes.HEADER_INVALID, `${where} has an unreadable NPY header (${(error as Error).message}): ${JSON.stringify(text.trim().slice(0, 200))}.`, {
      hint: 'The file is damaged or was not written by numpy; re-create it with numpy.save.',
      cause: error,
    });
  }
  if (!(dict instanceof Map)) throw headerInvalid(where, 'the header is not a dict', text);
  const keys = [...dict.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') throw headerInvalid(where, `expected keys descr, fortran_order, shape but found ${keys.join(', ')}`, text);
  const descr = dict.get('descr');
  const fortranOrder = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof fortranOrder !== 'boolean') throw headerInvalid(where, 'fortran_order is not True or False', text);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw headerInvalid(where, 'shape is not a tuple of non-negative integers', text);
  }
  const { dtype, byteOrder } = parseDescr(descr, where);
  const dims = shape as number[];
  const dataBytes = elementCount(dims) * DTYPES[dtype].itemsize;
  return { version, dtype, byteOrder, shape: dims, fortranOrder, headerLength, dataBytes };
}

function headerInvalid(where: string, problem: string, text: string) {
  return npyError(NpyErrorCodes.HEADER_INVALID, `${where} has an invalid NPY header: ${problem} in ${JSON.stringify(text.trim().slice(0, 200))}.`, {
    hint: 'The file is damaged or was not written by numpy; re-create it with numpy.save.',
  });
}

const KIND_SIZES: Record<string, DType> = {
  b1: 'bool',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  c8: 'complex64',
  c16: 'complex128',
};

/** `'<f4'` → float32 little endian. Structured, object, string and time dtypes are refused clearly. */
export function parseDescr(descr: unknown, where: string): { dtype: DType; byteOrder: ByteOrder } {
  const supported = 'bool, int8-64, uint8-64, float16/32/64 and complex64/128';
  if (Array.isArray(descr)) {
    throw npyError(NpyErrorCodes.DTYPE_UNSUPPORTED, `${where} holds a structured array (dtype with fields ${describeFields(descr)}); @aeroml/handler-npy reads plain numeric arrays only (${supported}).`, {
      hint: 'Save each field as its own array (np.savez(path, **{name: arr[name] for name in arr.dtype.names})) or use a table format.',
    });
  }
  if (typeof descr !== 'string') {
    throw npyError(NpyErrorCodes.HEADER_INVALID, `${where} has an invalid NPY header: descr is ${JSON.stringify(descr)}, not a dtype string.`, {
      hint: 'The file is damaged or was not written by numpy; re-create it with numpy.save.',
    });
  }
  const match = /^([<>|=])([a-zA-Z])(\d*)(.*)$/.exec(descr);
  const order = match?.[1];
  const kind = match?.[2] ?? '';
  const size = match?.[3] ?? '';
  const rest = match?.[4] ?? '';
  const known = KIND_SIZES[kind + size];
  if (match && known && rest === '') {
    const itemsize = DTYPES[known].itemsize;
    const byteOrder: ByteOrder = order === '>' ? 'big' : order === '<' ? 'little' : itemsize === 1 ? 'little' : NATIVE_ORDER;
    return { dtype: known, byteOrder };
  }
  const what =
    kind === 'O'
      ? 'an object array (pickled Python objects)'
      : kind === 'U' || kind === 'S' || kind === 'a'
        ? `a string array (dtype '${descr}')`
        : kind === 'V'
          ? `a raw void array (dtype '${descr}')`
          : kind === 'M' || kind === 'm'
            ? `a datetime/timedelta array (dtype '${descr}')`
            : `an array of dtype '${descr}'`;
  const hint =
    kind === 'O'
      ? 'Object arrays need pickle and cannot be read safely; convert to a numeric dtype before np.save.'
      : kind === 'M' || kind === 'm'
        ? "Convert it with arr.astype('int64') (or .view('int64')) before saving."
        : `Convert it to one of ${DTYPE_NAMES.join(', ')} before saving.`;
  throw npyError(NpyErrorCodes.DTYPE_UNSUPPORTED, `${where} holds ${what}; @aeroml/handler-npy reads plain numeric arrays only (${supported}).`, { hint });
}

function describeFields(descr: unknown[]): string {
  const names = descr.map((field) => (Array.isArray(field) && typeof field[0] === 'string' ? field[0] : '?'));
  return names.map((n) => `'${n}'`).join(', ');
}

/** numpy's `descr` string for a dtype in a byte order (`'|u1'`, `'<f8'`, `'>c16'`). */
export function descrOf(dtype: DType, byteOrder: ByteOrder): string {
  const info = DTYPES[dtype];
  const code = Object.entries(KIND_SIZES).find(([, d]) => d === dtype)![0];
  const order = info.itemsize === 1 ? '|' : byteOrder === 'little' ? '<' : '>';
  return `${order}${code}`;
}

/**
 * The header bytes numpy 1.24 would write for this array (sorted keys, spare room
 * for growing the first axis, padded to 64 bytes): files are byte-identical to np.save.
 */
export function formatHeader(dtype: DType, byteOrder: ByteOrder, shape: readonly number[], fortranOrder: boolean, requested: NpyVersion | 'auto', where: string): Uint8Array {
  const shapeRepr = shape.length === 0 ? '()' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let text = `{'descr': '${descrOf(dtype, byteOrder)}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) {
    const growth = String(shape[fortranOrder ? shape.length - 1 : 0]);
    text += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - growth.length));
  }
  const versions: NpyVersion[] = requested === 'auto' ? ['1.0', '2.0'] : [requested];
  for (const version of versions) {
    const major = Number(version[0]);
    const lenSize = lengthFieldSize(major);
    const body = version === '3.0' ? new TextEncoder().encode(text) : latin1(text);
    const hlen = body.length + 1;
    const padlen = ARRAY_ALIGN - ((MAGIC.length + 2 + lenSize + hlen) % ARRAY_ALIGN);
    const total = hlen + padlen;
    if (lenSize === 2 && total > 0xffff) continue;
    const out = new Uint8Array(MAGIC.length + 2 + lenSize + total);
    out.set(MAGIC, 0);
    out[6] = major;
    out[7] = 0;
    const view = new DataView(out.buffer);
    if (lenSize === 2) view.setUint16(8, total, true);
    else view.setUint32(8, total, true);
    const start = MAGIC.length + 2 + lenSize;
    out.set(body, start);
    out.fill(0x20, start + body.length, out.length - 1);
    out[out.length - 1] = 0x0a;
    return out;
  }
  throw npyError(NpyErrorCodes.VALUE_INVALID, `${where}: the NPY header for shape [${shape.join(', ')}] is longer than format ${requested} allows (65535 bytes).`, {
    hint: "Use version '2.0' (or 'auto') for arrays with very many dimensions.",
  });
}

function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

/** A tiny parser for the Python literals numpy writes (dicts, tuples, lists, strings, ints, booleans). */
class PyLiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseTop(): PyValue {
    const value = this.value();
    this.ws();
    if (this.pos < this.text.length) throw new Error(`unexpected ${JSON.stringify(this.text[this.pos])} at ${this.pos}`);
    return value;
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private value(): PyValue {
    this.ws();
    const ch = this.text[this.pos];
    if (ch === '{') return this.dict();
    if (ch === '(') return this.sequence('(', ')');
    if (ch === '[') return this.sequence('[', ']');
    if (ch === "'" || ch === '"') return this.string();
    const word = /^(True|False|None)\b/.exec(this.text.slice(this.pos));
    if (word) {
      this.pos += word[1]!.length;
      return word[1] === 'True' ? true : word[1] === 'False' ? false : null;
    }
    const num = /^[-+]?\d+L?/.exec(this.text.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return Number(num[0].replace(/L$/, ''));
    }
    throw new Error(`unexpected ${ch === undefined ? 'end of header' : JSON.stringify(ch)} at ${this.pos}`);
  }

  private expect(ch: string): void {
    this.ws();
    if (this.text[this.pos] !== ch) throw new Error(`expected ${JSON.stringify(ch)} at ${this.pos}`);
    this.pos++;
  }

  private peek(): string | undefined {
    this.ws();
    return this.text[this.pos];
  }

  private dict(): Map<string, PyValue> {
    this.expect('{');
    const map = new Map<string, PyValue>();
    while (this.peek() !== '}') {
      const key = this.value();
      if (typeof key !== 'string') throw new Error('dict keys must be strings');
      this.expect(':');
      map.set(key, this.value());
      if (this.peek() === ',') this.pos++;
      else break;
    }
    this.expect('}');
    return map;
  }

  private sequence(open: string, close: string): PyValue[] {
    this.expect(open);
    const items: PyValue[] = [];
    while (this.peek() !== close) {
      items.push(this.value());
      if (this.peek() === ',') this.pos++;
      else break;
    }
    this.expect(close);
    return items;
  }

  private string(): string {
    const quote = this.text[this.pos++]!;
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos++]!;
      if (ch === quote) return out;
      if (ch === '\\') {
        const next = this.text[this.pos++];
        out += next === 'n' ? '\n' : next === 't' ? '\t' : (next ?? '');
      } else out += ch;
    }
    throw new Error('unterminated string');
  }
}
