import { open, type FileHandle } from 'node:fs/promises';
import { MAX_IO, describeReadFailure, isAeroError, writeFileAtomicWith } from '@aeroml/core';
import { npyError, NpyErrorCodes } from './errors.js';

// The byte-level helpers live in @aeroml/core, shared with @aeroml/handler-fits.
export { MAX_IO, bytesOf, writeAt, swapBytesInPlace as swapInPlace } from '@aeroml/core';

/** Sequential bytes: a file range, or a decompressed stream. */
export interface ByteSource {
  /** Fills `target` as far as the data goes; resolves the byte count (short only at the end). */
  readInto(target: Uint8Array): Promise<number>;
}

/** Reads a byte range of an open file straight into the caller's buffer. */
export class FileSource implements ByteSource {
  constructor(
    private readonly fh: FileHandle,
    private position: number,
    private readonly end: number = Number.POSITIVE_INFINITY,
    private readonly onBytes?: (bytes: Uint8Array) => void,
  ) {}

  async readInto(target: Uint8Array): Promise<number> {
    let filled = 0;
    while (filled < target.length) {
      const want = Math.min(target.length - filled, MAX_IO, this.end - this.position);
      if (want <= 0) break;
      const { bytesRead } = await this.fh.read(target, filled, want, this.position);
      if (bytesRead === 0) break;
      this.onBytes?.(target.subarray(filled, filled + bytesRead));
      filled += bytesRead;
      this.position += bytesRead;
    }
    return filled;
  }

  /** Reads and discards the rest of the range (so a checksum over all of it can be checked). */
  async drain(): Promise<void> {
    if (!Number.isFinite(this.end)) return;
    const scratch = new Uint8Array(Math.min(1 << 20, Math.max(0, this.end - this.position)));
    while (this.position < this.end && (await this.readInto(scratch.subarray(0, Math.min(scratch.length, this.end - this.position)))) > 0);
  }
}

/** Copies chunks of an async byte stream (e.g. zlib's inflate output) into the caller's buffer. */
export class StreamSource implements ByteSource {
  private pending: Uint8Array = new Uint8Array(0);
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(stream: AsyncIterable<Uint8Array>, private readonly onBytes?: (bytes: Uint8Array) => void) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  async readInto(target: Uint8Array): Promise<number> {
    let filled = 0;
    while (filled < target.length) {
      if (this.pending.length === 0) {
        const next = await this.iterator.next();
        if (next.done) break;
        this.pending = next.value;
        this.onBytes?.(next.value);
        continue;
      }
      const n = Math.min(this.pending.length, target.length - filled);
      target.set(this.pending.subarray(0, n), filled);
      this.pending = this.pending.subarray(n);
      filled += n;
    }
    return filled;
  }

  /** Reads and discards the rest (so a checksum over the whole stream can be checked). */
  async drain(): Promise<void> {
    this.pending = new Uint8Array(0);
    for (;;) {
      const next = await this.iterator.next();
      if (next.done) return;
      this.onBytes?.(next.value);
    }
  }
}

/**
 * Creates `path` atomically: writes a temp file next to it, renames on success and
 * removes the temp file on failure, so readers never see half a file.
 */
export async function writeFileAtomically(path: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
  try {
    await writeFileAtomicWith(path, write);
  } catch (error) {
    if (isAeroError(error)) throw error;
    throw npyError(NpyErrorCodes.WRITE_FAILED, `Could not write ${path}: ${(error as Error).message}.`, {
      hint: 'Check that the directory is writable and the disk is not full.',
      cause: error,
    });
  }
}

/** Opens a file for reading, turning OS errors into NPY_READ_FAILED. */
export async function openForRead(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw readFailed(path, error);
  }
}

export function readFailed(path: string, error: unknown) {
  const { what, hint } = describeReadFailure(error);
  return npyError(NpyErrorCodes.READ_FAILED, `Could not read ${path}: ${what}.`, { hint, cause: error });
}

/** Allocates the one buffer an array's payload is read into. */
export function allocate(bytes: number, where: string): ArrayBuffer {
  try {
    return new ArrayBuffer(bytes);
  } catch (error) {
    throw npyError(NpyErrorCodes.TOO_LARGE, `${where}: cannot allocate ${bytes} bytes for the array (${(error as Error).message}).`, {
      hint: 'The array does not fit in memory here; read a smaller slice or use a machine with more memory.',
      cause: error,
    });
  }
}
