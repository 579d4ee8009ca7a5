import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TextErrorCodes, textError } from './errors.js';

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
