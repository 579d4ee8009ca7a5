import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
 * Writes a file atomically: the bytes go to a temp file in the same directory, which is
 * then renamed over the target, so a reader never sees half a file. Parent directories
 * are created when missing.
 */
export async function writeAtomic(handler: string, path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  // `.aero-tmp-` is the prefix every aero package uses for temp files (stores skip them).
  const tmp = join(dir, `.aero-tmp-${process.pid}-${randomBytes(4).toString('hex')}-${basename(path).slice(0, 64)}`);
  try {
    if (data.length <= SMALL_WRITE) {
      writeSmallSync(dir, tmp, path, data);
      return;
    }
    let handle;
    try {
      handle = await open(tmp, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dir, { recursive: true });
      handle = await open(tmp, 'wx');
    }
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (cause) {
    await unlink(tmp).catch(() => {});
    throw textError(TextErrorCodes.WRITE_FAILED, `${handler} handler: cannot write ${path}: ${(cause as Error).message}.`, {
      cause,
      hint: 'Check that the directory is writable and that no file stands where a directory should be.',
    });
  }
}


/**
 * The same temp-file-then-rename write, synchronously: for a small value each of the four
 * calls takes microseconds, while a thread-pool round trip each costs more than the write
 * (most outputs of small actions are a few bytes of JSON or text).
 */
function writeSmallSync(dir: string, tmp: string, path: string, data: string | Uint8Array): void {
  let fd: number;
  try {
    fd = openSync(tmp, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, 'wx');
  }
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
