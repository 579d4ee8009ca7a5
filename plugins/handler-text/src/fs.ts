import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
 * Writes an output file in place (no temp file, no rename). The engine calls a handler's
 * `write` only for a path in the action's private work dir and hashes the file after the
 * call resolves, so nobody can see it half written; the handler contract allows this
 * (see AssetHandler in @aeroml/core). That spares a rename per output, which is a good
 * part of a trivial action's cost. A write that fails removes what it left, so a caught
 * error cannot leave a partial file to be committed. Parent directories are created
 * when missing. Small values go through synchronous calls: for a few bytes of JSON or
 * text (most outputs of small actions) each takes microseconds, while a thread-pool
 * round trip each costs more than the write.
 */
export async function writeOutput(handler: string, path: string, data: string | Uint8Array): Promise<void> {
  try {
    if (data.length <= SMALL_WRITE) writeCreatingSync(path, data);
    else await writeCreating(path, data);
  } catch (cause) {
    removePartial(path);
    throw textError(TextErrorCodes.WRITE_FAILED, `${handler} handler: cannot write ${path}: ${(cause as Error).message}.`, {
      cause,
      hint: 'Check that the directory is writable and that no file stands where a directory should be.',
    });
  }
}

function removePartial(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a directory, or a parent that is not one: nothing of ours to remove
  }
}

const isMissingDir = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

function writeCreatingSync(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (error) {
    if (!isMissingDir(error)) throw error;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  }
}

async function writeCreating(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFile(path, data);
  } catch (error) {
    if (!isMissingDir(error)) throw error;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  }
}
