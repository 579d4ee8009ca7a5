import type { FileHandle } from 'node:fs/promises';

/*
 * Byte-level file I/O shared by the binary handlers (@aeroml/handler-npy, -fits):
 * positioned reads and writes in OS-sized chunks, and byte-order swaps.
 */

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

/** Writes `bytes` fully at `position`. */
export async function writeAt(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, Math.min(MAX_IO, bytes.length - done), position + done);
    done += bytesWritten;
  }
}

/** Reverses the byte order of each `width`-byte element in place. */
export function swapBytesInPlace(bytes: Uint8Array, width: 1 | 2 | 4 | 8): void {
  if (width === 1) return;
  for (let offset = 0; offset < bytes.length; offset += MAX_IO) {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(MAX_IO, bytes.length - offset));
    if (width === 2) view.swap16();
    else if (width === 4) view.swap32();
    else view.swap64();
  }
}

/** The bytes of a typed array or DataView, without a copy. */
export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Why a file could not be opened for reading, in words, and what to check. */
export function describeReadFailure(error: unknown): { what: string; hint: string } {
  const code = (error as NodeJS.ErrnoException).code;
  const what = code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
  return { what, hint: code === 'ENOENT' ? 'Check the path (and that the producing action wrote this output).' : 'Check the file permissions.' };
}
