import { readFile } from 'node:fs/promises';
import { writeAtomic as writeAtomicAsync, writeAtomicSync } from '@aeroml/core';
import { TextErrorCodes, textError } from './errors.js';

/** Values up to this many bytes (or UTF-16 units) are written with synchronous calls. */
const SMALL_WRITE = 16 * 1024;

/** Reads a whole file; a missing file or a directory becomes an AeroError naming the handler. */
export async function readBytes(handler: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw textError(TextErrorCodes.FILE_NOT_FOUND, `${handler} handler: cannot read ${path}: the file does not exist.`, {
        cause,
        hint: 'Check that the action wrote this output, or that the path is right.',
      });
    }
    throw textError(TextErrorCodes.READ_FAILED, `${handler} handler: cannot read ${path}: ${(cause as Error).message}.`, {
      cause,
      hint: code === 'EISDIR' ? 'The path is a directory; point at a file.' : 'Check the file permissions.',
    });
  }
}

/**
 * Writes a file atomically (core's helper: temp file in the same directory, renamed over
 * the target), so a reader never sees half a file. Parent directories are created when
 * missing. Small values go through the synchronous variant: for a few bytes of JSON or
 * text (most outputs of small actions) each call takes microseconds, while a thread-pool
 * round trip each costs more than the write.
 */
export async function writeAtomic(handler: string, path: string, data: string | Uint8Array): Promise<void> {
  try {
    if (data.length <= SMALL_WRITE) writeAtomicSync(path, data);
    else await writeAtomicAsync(path, data);
  } catch (cause) {
    throw textError(TextErrorCodes.WRITE_FAILED, `${handler} handler: cannot write ${path}: ${(cause as Error).message}.`, {
      cause,
      hint: 'Check that the directory is writable and that no file stands where a directory should be.',
    });
  }
}
