import { closeSync, fstatSync, openSync, read, readSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { errnoOf } from './errors.js';

const readAsync = promisify(read);

/** Values up to this size are read with synchronous calls (records, manifests, cache entries). */
export const SMALL_READ_BYTES = 1 << 20;

/**
 * Reads a whole file; null when it is missing or a directory. Small files (the cache
 * entries and manifests checked thousands of times per run) are read with synchronous
 * syscalls — open, fstat, read, close take microseconds on a local disk, while each
 * thread-pool round trip of the async API costs more than the syscall itself. Bigger
 * files are read asynchronously so the event loop is never held for long.
 */
export async function readSmallFast(path: string): Promise<Uint8Array | null> {
  // A missing key is common (a cache lookup for a key that never ran). `statSync` with
  // throwIfNoEntry answers that without creating an exception: a failed `openSync` builds
  // an Error with a stack, which at 100,000 lookups was seconds of CPU and garbage.
  try {
    if (!statSync(path, { throwIfNoEntry: false })) return null;
  } catch (error) {
    // A parent that is a file (ENOTDIR) also means "no such key", as for open below.
    if (errnoOf(error) === 'ENOTDIR') return null;
    throw error;
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return null;
    // The size from fstat is exact: values are replaced by rename, never modified in
    // place, so the file behind an open descriptor does not change.
    const size = st.size;
    const buf = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const n = size <= SMALL_READ_BYTES ? readSync(fd, buf, filled, size - filled, null) : (await readAsync(fd, buf, filled, Math.min(size - filled, 8 << 20), null)).bytesRead;
      if (n === 0) break;
      filled += n;
    }
    const out = filled === size ? buf : buf.subarray(0, filled);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } finally {
    closeSync(fd);
  }
}
