import { open, type FileHandle } from 'node:fs/promises';
import { isAeroError, type AeroError, type AeroErrorOptions } from '../errors/aero-error.js';
import { describeReadFailure } from './byte-io.js';
import { writeFileAtomicWith } from './fs.js';

/** The three failures of a binary handler's file I/O, each raised with the handler's own code. */
export type HandlerIoFailure = 'WRITE_FAILED' | 'READ_FAILED' | 'TOO_LARGE';

export interface HandlerFileIoOptions {
  /** Builds the handler's error for a failure (its catalogue's code, scope and message). */
  error: (failure: HandlerIoFailure, message: string, options: Omit<AeroErrorOptions, 'plugin'>) => AeroError;
  /** What a payload is called in TOO_LARGE messages: `the data`, `the array`. */
  payload: string;
  /** The TOO_LARGE hint: what to do when a payload does not fit in memory. */
  tooLargeHint: string;
}

/**
 * File I/O for binary handlers (@aeroml/handler-npy, -fits), with their own error codes:
 * atomic creation, opening for reading, and allocating the one buffer a payload is read into.
 * An AeroError from inside `write` passes through unchanged.
 */
export function handlerFileIo(options: HandlerFileIoOptions) {
  const readFailed = (path: string, error: unknown): AeroError => {
    const { what, hint } = describeReadFailure(error);
    return options.error('READ_FAILED', `Could not read ${path}: ${what}.`, { hint, cause: error });
  };
  return {
    /** Creates `path` atomically (temp file + rename; the temp file is removed on failure). */
    async writeFileAtomically(path: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
      try {
        await writeFileAtomicWith(path, write);
      } catch (error) {
        if (isAeroError(error)) throw error;
        throw options.error('WRITE_FAILED', `Could not write ${path}: ${(error as Error).message}.`, {
          hint: 'Check that the directory is writable and the disk is not full.',
          cause: error,
        });
      }
    },
    /** Opens a file for reading; an OS error becomes the handler's READ_FAILED. */
    async openForRead(path: string): Promise<FileHandle> {
      try {
        return await open(path, 'r');
      } catch (error) {
        throw readFailed(path, error);
      }
    },
    readFailed,
    /** Allocates the one buffer a payload is read into; one too large for memory is TOO_LARGE. */
    allocate(bytes: number, where: string): ArrayBuffer {
      try {
        return new ArrayBuffer(bytes);
      } catch (error) {
        throw options.error('TOO_LARGE', `${where}: cannot allocate ${bytes} bytes for ${options.payload} (${(error as Error).message}).`, { hint: options.tooLargeHint, cause: error });
      }
    },
  };
}
