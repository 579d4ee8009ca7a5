import type { FileHandle } from 'node:fs/promises';
import { DTYPES, DTYPE_NAMES, arrayTypeName, type AnyTypedArray, describeData, dtypeOfTypedArray, elementCount, isDType, type DType, type NDArray } from './ndarray.js';
import { formatHeader, lengthFieldSize, NATIVE_ORDER, parseHeaderText, parsePreamble, type ByteOrder, type NpyHeader, type NpyVersion } from './header.js';
import { allocate, bytesOf, FileSource, openForRead, readFailed, swapInPlace, writeAt, writeFileAtomically, type ByteSource } from './io.js';
import { npyError, NpyErrorCodes } from './errors.js';
import { isAeroError } from '@aeroml/core';
import { checkOptions, npyWriteOptionsSchema } from './options.js';

export interface NpyWriteSettings {
  byteOrder: ByteOrder;
  version: NpyVersion | 'auto';
  chunkSize: number;
}

/** Where written bytes go; the caller may reuse `bytes` once the promise resolves. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void>;
}

/** Reads the header from a source (preamble, length, dict). */
export async function readNpyHeader(source: ByteSource, where: string): Promise<NpyHeader> {
  const preamble = new Uint8Array(8);
  if ((await source.readInto(preamble)) < 8) throw truncated(where, 'it ends inside the NPY preamble');
  const version = parsePreamble(preamble, where);
  const lenSize = lengthFieldSize(Number(version[0]));
  const lenBytes = new Uint8Array(lenSize);
  if ((await source.readInto(lenBytes)) < lenSize) throw truncated(where, 'it ends inside the NPY header length');
  const view = new DataView(lenBytes.buffer);
  const textLength = lenSize === 2 ? view.getUint16(0, true) : view.getUint32(0, true);
  const textBytes = new Uint8Array(textLength);
  if ((await source.readInto(textBytes)) < textLength) throw truncated(where, 'it ends inside the NPY header');
  const text = version === '3.0' ? new TextDecoder('utf-8').decode(textBytes) : new TextDecoder('latin1').decode(textBytes);
  return parseHeaderText(text, version, 8 + lenSize + textLength, where);
}

/**
 * Reads one array: the payload goes straight into one preallocated ArrayBuffer and is
 * byte-swapped in place when the file's byte order is not the platform's.
 */
export async function readNpyFrom(source: ByteSource, where: string): Promise<NDArray> {
  const header = await readNpyHeader(source, where);
  const info = DTYPES[header.dtype];
  const buffer = allocate(header.dataBytes, where);
  const bytes = new Uint8Array(buffer);
  const got = await source.readInto(bytes);
  if (got < header.dataBytes) {
    throw truncated(where, `the header announces ${header.dataBytes} bytes of ${header.dtype} data for shape [${header.shape.join(', ')}] but only ${got} follow`);
  }
  if (header.byteOrder !== NATIVE_ORDER) swapInPlace(bytes, info.swap);
  const data = new info.ctor(buffer);
  return { dtype: header.dtype, shape: header.shape, data, fortranOrder: header.fortranOrder } as NDArray;
}

function truncated(where: string, detail: string) {
  return npyError(NpyErrorCodes.TRUNCATED, `${where} is truncated: ${detail}.`, {
    hint: 'The file was cut short (interrupted copy or write); produce it again.',
  });
}

/** Reads a `.npy` file. */
export function readNpy(path: string): Promise<NDArray> {
  return readFromFile(path, (source) => readNpyFrom(source, path));
}

/** Hands `read` the bytes of the file at `path` and closes it after; an OS error is NPY_READ_FAILED. */
async function readFromFile<T>(path: string, read: (source: FileSource) => Promise<T>): Promise<T> {
  const fh = await openForRead(path);
  try {
    return await read(new FileSource(fh, 0));
  } catch (error) {
    if (isAeroError(error)) throw error;
    throw readFailed(path, error);
  } finally {
    await fh.close();
  }
}

/** Accepts an NDArray, or a bare typed array (a 1-d C-order array of its natural dtype). */
export function toNDArray(value: unknown, where: string): NDArray {
  const bare = dtypeOfTypedArray(value);
  if (bare) {
    const data = value as ArrayLike<unknown>;
    return { dtype: bare, shape: [data.length], data, fortranOrder: false } as NDArray;
  }
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) {
    throw valueInvalid(where, [`expected an NDArray { dtype, shape, data, fortranOrder } or a typed array, got ${describeData(value)}`]);
  }
  const v = value as Record<string, unknown>;
  const dtype = v['dtype'] as DType;
  const info = isDType(dtype) ? DTYPES[dtype] : undefined;
  if (!info) problems.push(`\`dtype\`: expected one of ${DTYPE_NAMES.join(', ')}, got ${JSON.stringify(v['dtype'])}`);
  const shape = v['shape'];
  const shapeOk = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!shapeOk) problems.push(`\`shape\`: expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
  const fortranOrder = v['fortranOrder'] ?? false;
  if (typeof fortranOrder !== 'boolean') problems.push(`\`fortranOrder\`: expected a boolean, got ${JSON.stringify(fortranOrder)}`);
  const data = v['data'];
  if (info) {
    if (!(data instanceof info.ctor)) {
      problems.push(`\`data\`: dtype '${dtype}' needs a ${arrayTypeName(dtype)}, got ${describeData(data)}`);
    } else if (shapeOk) {
      const expected = elementCount(shape as number[]) * info.lanes;
      if ((data as ArrayLike<unknown>).length !== expected) {
        problems.push(
          `\`data\`: shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${expected} elements${info.lanes === 2 ? ' (interleaved re, im)' : ''}, got ${(data as ArrayLike<unknown>).length}`,
        );
      }
    }
  }
  if (problems.length > 0) throw valueInvalid(where, problems);
  return { dtype, shape: [...(shape as number[])], data, fortranOrder } as NDArray;
}

function valueInvalid(where: string, problems: string[]) {
  return npyError(NpyErrorCodes.VALUE_INVALID, `Cannot write ${where}: the value is not a valid NDArray:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
    hint: "Build values with ndarray(dtype, shape, data), e.g. ndarray('float32', [2, 3], new Float32Array(6)).",
  });
}

/** Streams header + payload to a sink; big-endian output is swapped chunk by chunk in a scratch buffer. */
export async function writeNpyTo(sink: ByteSink, array: NDArray, settings: NpyWriteSettings, where: string): Promise<void> {
  const info = DTYPES[array.dtype];
  await sink.write(formatHeader(array.dtype, settings.byteOrder, array.shape, array.fortranOrder, settings.version, where));
  const payload = bytesOf(array.data);
  const chunk = Math.max(8, settings.chunkSize - (settings.chunkSize % 8));
  const swap = settings.byteOrder !== NATIVE_ORDER && info.swap > 1;
  const scratch = swap ? new Uint8Array(Math.min(chunk, payload.length)) : undefined;
  for (let offset = 0; offset < payload.length; offset += chunk) {
    const part = payload.subarray(offset, Math.min(payload.length, offset + chunk));
    if (scratch) {
      const out = scratch.subarray(0, part.length);
      out.set(part);
      swapInPlace(out, info.swap);
      await sink.write(out);
    } else {
      await sink.write(part);
    }
  }
}

/** A sink writing sequentially into a file from `start`. */
export class FileSink implements ByteSink {
  constructor(
    private readonly fh: FileHandle,
    public position = 0,
    private readonly onBytes?: (bytes: Uint8Array) => void,
  ) {}
  async write(bytes: Uint8Array): Promise<void> {
    this.onBytes?.(bytes);
    await writeAt(this.fh, bytes, this.position);
    this.position += bytes.length;
  }
}

export const DEFAULT_WRITE_SETTINGS: NpyWriteSettings = { byteOrder: 'little', version: 'auto', chunkSize: 16 * 1024 * 1024 };

/** Writes a `.npy` file atomically (byte-identical to numpy.save for the same array and byte order). */
export async function writeNpy(path: string, value: NDArray | AnyTypedArray, settings: Partial<NpyWriteSettings> = {}): Promise<void> {
  // The handler's merged options (compression included) pass too: they are all write options.
  checkOptions(npyWriteOptionsSchema, settings, 'options of writeNpy()');
  const array = toNDArray(value, path);
  const resolved = { ...DEFAULT_WRITE_SETTINGS, ...settings };
  await writeFileAtomically(path, async (fh) => {
    await writeNpyTo(new FileSink(fh), array, resolved, path);
  });
}

/** Reads only the header of a `.npy` file: dtype, shape, order, byte order, version, sizes. */
export function inspectNpy(path: string): Promise<NpyHeader> {
  return readFromFile(path, (source) => readNpyHeader(source, path));
}
