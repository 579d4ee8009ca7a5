import { createReadStream } from 'node:fs';
import { crc32, createDeflateRaw, createInflateRaw } from 'node:zlib';
import { isAeroError } from '@aeroml/core';
import type { NDArray } from './ndarray.js';
import { FileSource, openForRead, readFailed, StreamSource, writeAt, writeFileAtomically } from './io.js';
import { formatHeader } from './header.js';
import { DEFAULT_WRITE_SETTINGS, FileSink, readNpyFrom, toNDArray, writeNpyTo, type ByteSink, type NpyWriteSettings } from './npy.js';
import { entryDataOffset, readCentralDirectory, ZipWriter, type ZipEntry } from './zip.js';
import { npyError, NpyErrorCodes } from './errors.js';
import { DTYPES } from './ndarray.js';
import { checkOptions, npyWriteOptionsSchema, npzReadOptionsSchema, type NpzReadOptions } from './options.js';

/** Arrays by name (the archive's `<name>.npy` members), in archive order. */
export type NpzArrays = Record<string, NDArray>;

export type { NpzReadOptions };

export interface NpzWriteSettings extends NpyWriteSettings {
  compression: 'stored' | 'deflated';
  compressionLevel: number;
}

/** Lists the arrays of an archive (names without `.npy`) without reading them. */
export async function listNpz(path: string): Promise<string[]> {
  const fh = await openForRead(path);
  try {
    const { size } = await fh.stat();
    return (await readCentralDirectory(fh, size, path)).filter(isArrayEntry).map(arrayName);
  } finally {
    await fh.close();
  }
}

function isArrayEntry(entry: ZipEntry): boolean {
  return entry.name.endsWith('.npy') && !entry.name.endsWith('/');
}

function arrayName(entry: ZipEntry): string {
  return entry.name.slice(0, -'.npy'.length);
}

/** Reads the arrays of a `.npz`: stored members are read in place, deflated ones inflated as a stream. */
export async function readNpz(path: string, options: NpzReadOptions = {}): Promise<NpzArrays> {
  checkOptions(npzReadOptionsSchema, options, 'options of readNpz()');
  const fh = await openForRead(path);
  try {
    const { size } = await fh.stat();
    const entries = (await readCentralDirectory(fh, size, path)).filter(isArrayEntry);
    let selected = entries;
    if (options.arrays) {
      const byName = new Map(entries.map((e) => [arrayName(e), e]));
      const missing = options.arrays.filter((name) => !byName.has(name));
      if (missing.length > 0) {
        throw npyError(NpyErrorCodes.ARRAY_NOT_FOUND, `${path} has no array named ${missing.map((m) => `'${m}'`).join(', ')}; it holds ${entries.length ? entries.map((e) => `'${arrayName(e)}'`).join(', ') : 'no arrays'}.`, {
          hint: 'Pick names from the list above (np.load(path).files shows the same names).',
        });
      }
      selected = options.arrays.map((name) => byName.get(name)!);
    }
    const out: Array<[string, NDArray]> = [];
    for (const entry of selected) out.push([arrayName(entry), await readEntry(fh, path, entry)]);
    return Object.fromEntries(out);
  } catch (error) {
    if (isAeroError(error)) throw error;
    throw readFailed(path, error);
  } finally {
    await fh.close();
  }
}

async function readEntry(fh: import('node:fs/promises').FileHandle, path: string, entry: ZipEntry): Promise<NDArray> {
  const where = `${path} (array '${arrayName(entry)}')`;
  if (entry.flags & 0x1) {
    throw npyError(NpyErrorCodes.ZIP_UNSUPPORTED, `${where} is encrypted; @aeroml/handler-npy reads unencrypted archives only.`, {
      hint: 'Re-create the archive with numpy.savez or numpy.savez_compressed.',
    });
  }
  if (entry.method !== 0 && entry.method !== 8) {
    throw npyError(NpyErrorCodes.ZIP_UNSUPPORTED, `${where} uses zip compression method ${entry.method}; @aeroml/handler-npy reads stored (0) and deflated (8) members.`, {
      hint: 'Re-create the archive with numpy.savez (stored) or numpy.savez_compressed (deflated).',
    });
  }
  const start = await entryDataOffset(fh, entry, path);
  let crc = 0;
  const onBytes = (bytes: Uint8Array) => {
    crc = crc32(bytes, crc);
  };
  let array: NDArray;
  if (entry.method === 0) {
    const source = new FileSource(fh, start, start + entry.compressedSize, onBytes);
    array = await readNpyFrom(source, where);
    await source.drain();
  } else {
    const raw = createReadStream(path, { start, end: start + Math.max(entry.compressedSize, 1) - 1, highWaterMark: 1 << 20 });
    const inflate = createInflateRaw({ chunkSize: 1 << 20 });
    raw.on('error', (error) => inflate.destroy(error));
    raw.pipe(inflate);
    const source = new StreamSource(inflate, onBytes);
    try {
      array = await readNpyFrom(source, where);
      await source.drain();
    } catch (error) {
      if (isAeroError(error)) throw error;
      throw npyError(NpyErrorCodes.ZIP_INVALID, `${where}: the deflated data cannot be decompressed (${(error as Error).message}).`, {
        hint: 'The archive is damaged or truncated; produce it again.',
        cause: error,
      });
    } finally {
      inflate.destroy();
      raw.destroy();
    }
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw npyError(NpyErrorCodes.ZIP_CRC_MISMATCH, `${where} is corrupt: its CRC-32 is ${hex(crc)} but the archive records ${hex(entry.crc32)}.`, {
      hint: 'The file was damaged after it was written; produce it again.',
    });
  }
  return array;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** Validates an npz value: a plain object of arrays. */
export function toNpzArrays(value: unknown, where: string): Array<[string, NDArray]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw npyError(NpyErrorCodes.VALUE_INVALID, `Cannot write ${where}: an npz value is an object of arrays ({ name: NDArray, ... }), got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? (value as object).constructor.name : typeof value}.`, {
      hint: "Pass e.g. { weights: ndarray('float32', [3]), bias: ndarray('float32', [1]) }.",
    });
  }
  return Object.entries(value).map(([name, array]) => [name, toNDArray(array, `${where} (array '${name}')`)]);
}

/** Writes a `.npz` atomically: one `<name>.npy` member per array, stored or deflated. */
export async function writeNpz(path: string, value: NpzArrays, options: Partial<NpzWriteSettings> = {}): Promise<void> {
  checkOptions(npyWriteOptionsSchema, options, 'options of writeNpz()');
  const arrays = toNpzArrays(value, path);
  const settings: NpzWriteSettings = { ...DEFAULT_WRITE_SETTINGS, compression: 'stored', compressionLevel: 6, ...options };
  await writeFileAtomically(path, async (fh) => {
    const zip = new ZipWriter(fh);
    for (const [name, array] of arrays) {
      const where = `${path} (array '${name}')`;
      const headerLength = formatHeader(array.dtype, settings.byteOrder, array.shape, array.fortranOrder, settings.version, where).length;
      const size = headerLength + array.data.length * (DTYPES[array.dtype].itemsize / DTYPES[array.dtype].lanes);
      const method = settings.compression === 'deflated' ? 8 : 0;
      await zip.addEntry(`${name}.npy`, method, size, async (dataStart) => {
        let crc = 0;
        const onBytes = (bytes: Uint8Array) => {
          crc = crc32(bytes, crc);
        };
        if (method === 0) {
          await writeNpyTo(new FileSink(fh, dataStart, onBytes), array, settings, where);
          return { crc32: crc >>> 0, compressedSize: size };
        }
        const compressedSize = await deflateTo(fh, dataStart, settings.compressionLevel, async (sink) => writeNpyTo(sink, array, settings, where), onBytes);
        return { crc32: crc >>> 0, compressedSize };
      });
    }
    await zip.finish();
  });
}

/** Runs `produce` into a raw-deflate stream whose output is written to the file from `start`. */
async function deflateTo(
  fh: import('node:fs/promises').FileHandle,
  start: number,
  level: number,
  produce: (sink: ByteSink) => Promise<void>,
  onBytes: (bytes: Uint8Array) => void,
): Promise<number> {
  const deflate = createDeflateRaw({ level, chunkSize: 1 << 20 });
  let written = 0;
  const consumer = (async () => {
    for await (const chunk of deflate as AsyncIterable<Buffer>) {
      await writeAt(fh, chunk, start + written);
      written += chunk.length;
    }
  })();
  consumer.catch((error: unknown) => deflate.destroy(error as Error));
  const sink: ByteSink = {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        onBytes(bytes);
        // The callback runs once zlib has consumed the chunk, so the caller may reuse it.
        deflate.write(bytes, (error) => (error ? reject(error) : resolve()));
      }),
  };
  try {
    await produce(sink);
  } catch (error) {
    deflate.destroy();
    await consumer.catch(() => undefined);
    throw error;
  }
  deflate.end();
  await consumer;
  return written;
}
