import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isAeroError } from '@aeroml/core';
import { fitsError, FitsErrorCodes } from './errors.js';

/** Largest single read/write handed to the OS (Linux caps one call at ~2 GiB). */
export const MAX_IO = 1 << 30;

export const NATIVE_LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reads exactly `target.length` bytes at `position` unless the file ends; resolves the count. */
export async function readAt(fh: FileHandle, target: Uint8Array, position: number): Promise<number> {
  let filled = 0;
  while (filled < target.length) {
    const { bytesRead } = await fh.read(target, filled, Math.min(MAX_IO, target.length - filled), position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

export async function writeAt(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, Math.min(MAX_IO, bytes.length - done), position + done);
    done += bytesWritten;
  }
}

/** FITS is big endian: swaps `width`-byte elements in place when the platform is little endian. */
export function toFromBigEndian(bytes: Uint8Array, width: number): void {
  if (width === 1 || !NATIVE_LITTLE) return;
  for (let offset = 0; offset < bytes.length; offset += MAX_IO) {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(MAX_IO, bytes.length - offset));
    if (width === 2) view.swap16();
    else if (width === 4) view.swap32();
    else view.swap64();
  }
}

export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Creates `path` atomically (temp file + rename; the temp file is removed on failure). */
export async function writeFileAtomically(path: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fh: FileHandle | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    fh = await open(tmp, 'w');
    await write(fh);
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (error) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
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
  const code = (error as NodeJS.ErrnoException).code;
  const what = code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
  return fitsError(FitsErrorCodes.READ_FAILED, `Could not read ${path}: ${what}.`, {
    hint: code === 'ENOENT' ? 'Check the path (and that the producing action wrote this output).' : 'Check the file permissions.',
    cause: error,
  });
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
