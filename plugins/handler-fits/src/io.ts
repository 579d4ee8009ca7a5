import { open, type FileHandle } from 'node:fs/promises';
import { NATIVE_LITTLE, describeReadFailure, isAeroError, swapBytesInPlace, writeFileAtomicWith } from '@aeroml/core';
import { fitsError, FitsErrorCodes } from './errors.js';

// The byte-level helpers live in @aeroml/core, shared with @aeroml/handler-npy.
export { MAX_IO, NATIVE_LITTLE, bytesOf, readAt, writeAt } from '@aeroml/core';

/** FITS is big endian: swaps `width`-byte elements in place when the platform is little endian. */
export function toFromBigEndian(bytes: Uint8Array, width: number): void {
  if (NATIVE_LITTLE) swapBytesInPlace(bytes, width as 1 | 2 | 4 | 8);
}

/** Creates `path` atomically (temp file + rename; the temp file is removed on failure). */
export async function writeFileAtomically(path: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
  try {
    await writeFileAtomicWith(path, write);
  } catch (error) {
    if (isAeroError(error)) throw error;
    throw fitsError(FitsErrorCodes.WRITE_FAILED, `Could not write ${path}: ${(error as Error).message}.`, {
      hint: 'Check that the directory is writable and the disk is not full.',
      cause: error,
    });
  }
}

export async function openForRead(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw readFailed(path, error);
  }
}

export function readFailed(path: string, error: unknown) {
  const { what, hint } = describeReadFailure(error);
  return fitsError(FitsErrorCodes.READ_FAILED, `Could not read ${path}: ${what}.`, { hint, cause: error });
}

export function allocate(bytes: number, where: string): ArrayBuffer {
  try {
    return new ArrayBuffer(bytes);
  } catch (error) {
    throw fitsError(FitsErrorCodes.TOO_LARGE, `${where}: cannot allocate ${bytes} bytes for the data (${(error as Error).message}).`, {
      hint: 'The HDU does not fit in memory here; use a machine with more memory.',
      cause: error,
    });
  }
}
