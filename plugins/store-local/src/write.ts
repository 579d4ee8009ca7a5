import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { chmod, copyFile, link, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { errnoOf } from './errors.js';
import { TEMP_PREFIX } from './keys.js';

const tag = `${process.pid.toString(36)}-${randomBytes(3).toString('hex')}`;
let counter = 0;

/** A temp file path in `dir`, unique across processes and calls. */
export function tempPath(dir: string): string {
  counter = (counter + 1) >>> 0;
  return `${dir}/${TEMP_PREFIX}${tag}-${counter.toString(36)}`;
}

/** Opens a new temp file in `dir`, creating `dir` only when it is missing. */
async function openTemp(dir: string, mode: number): Promise<{ handle: FileHandle; tmp: string }> {
  const tmp = tempPath(dir);
  try {
    return { handle: await open(tmp, 'wx', mode), tmp };
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true });
  return { handle: await open(tmp, 'wx', mode), tmp };
}

/**
 * Writes `body` to a new temp file in `dir` and returns its path. The file is created with
 * `mode` directly (0444 for blobs: the descriptor stays writable, nobody else's is).
 */
export async function writeTemp(dir: string, body: Uint8Array | string | Readable, mode: number, durable: boolean): Promise<string> {
  const { handle, tmp } = await openTemp(dir, mode);
  try {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      await handle.writeFile(body);
    } else {
      for await (const chunk of body) {
        const buf: Uint8Array = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
        let offset = 0;
        while (offset < buf.byteLength) {
          const { bytesWritten } = await handle.write(buf, offset, buf.byteLength - offset);
          offset += bytesWritten;
        }
      }
    }
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw error;
  }
  await handle.close();
  return tmp;
}

/**
 * Copies `source` to a new temp file in `dir` (a reflink where the filesystem supports
 * it). Returns null when `source` is missing.
 */
export async function copyToTemp(dir: string, source: string, mode: number, durable: boolean): Promise<string | null> {
  let tmp = tempPath(dir);
  try {
    await copyFile(source, tmp, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
    // Either the source or the destination directory is missing.
    const sourceStat: Stats | null = await stat(source).catch(() => null);
    if (!sourceStat) return null;
    await mkdir(dir, { recursive: true });
    tmp = tempPath(dir);
    await copyFile(source, tmp, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
  }
  try {
    // copyFile copies the source's mode (maybe executable, maybe read-only); set ours.
    await chmod(tmp, mode);
    if (durable) {
      const handle = await open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
  return tmp;
}

/**
 * Makes a finished temp file visible as `target`. Plain: `rename` (atomic replace).
 * ifAbsent: `link` fails with EEXIST atomically when `target` exists, also when another
 * process links at the same moment, so exactly one writer wins; then the temp is removed.
 */
export async function commit(tmp: string, target: string, ifAbsent: boolean): Promise<boolean> {
  if (!ifAbsent) {
    try {
      await rename(tmp, target);
      return true;
    } catch (error) {
      await unlink(tmp).catch(() => {});
      throw error;
    }
  }
  try {
    await link(tmp, target);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      // EEXIST also when `target` is a directory: that is a conflict, not "present".
      const s = await stat(target).catch(() => null);
      if (s?.isDirectory()) throw Object.assign(new Error(`EISDIR: ${target} is a directory`), { code: 'EISDIR' });
      return false;
    }
    throw error;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/** fsyncs a directory so a rename/link in it survives power loss. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

