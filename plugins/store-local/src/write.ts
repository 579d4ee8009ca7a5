import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, linkSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
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
    if (durable) await fsyncPath(tmp);
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

/**
 * fsyncs a file or a directory by path: a finished file's bytes, or a directory so a
 * rename/link in it survives power loss.
 */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Bodies up to this size are written with synchronous calls (see `putSmallSync`). */
export const SMALL_WRITE_BYTES = 64 * 1024;

function openTempSync(dir: string, mode: number): { fd: number; tmp: string } {
  const tmp = tempPath(dir);
  try {
    return { fd: openSync(tmp, 'wx', mode), tmp };
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true });
  return { fd: openSync(tmp, 'wx', mode), tmp };
}

/**
 * The small-value path of `put` (cache entries, manifests, records): temp file, write,
 * then rename or link, all synchronous. Each of these syscalls takes microseconds on a
 * local disk, while a thread-pool round trip of the async API costs more than the call
 * itself — at 10,000 actions that was most of the store's time. Same atomicity as the
 * async path. Returns whether the value was written (false: ifAbsent and present).
 */
export function putSmallSync(target: string, body: Uint8Array | string, mode: number, ifAbsent: boolean, durable: boolean): boolean {
  const dir = target.slice(0, target.lastIndexOf('/'));
  const { fd, tmp } = openTempSync(dir, mode);
  try {
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    let offset = 0;
    while (offset < data.byteLength) offset += writeSync(fd, data, offset, data.byteLength - offset);
    if (durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(tmp);
    throw error;
  }
  closeSync(fd);
  let written = true;
  let renamed = false;
  try {
    if (ifAbsent) {
      try {
        linkSync(tmp, target);
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') throw error;
        if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(`EISDIR: ${target} is a directory`), { code: 'EISDIR' });
        written = false;
      }
    } else {
      renameSync(tmp, target);
      renamed = true;
    }
  } finally {
    // Linked or not, the temp name goes; a renamed temp is the value now.
    if (!renamed) unlinkQuietly(tmp);
  }
  if (durable && written) syncDirSync(dir);
  return written;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function syncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * `putFile` with `handOver`: the caller gives the file up, so the store takes it by hard
 * link — no copy, which for a multi-GiB output is the difference between seconds and
 * nothing. The inode is made read-only first, so the blob is never writable under its
 * store name. Returns null when linking is not possible here (another filesystem, or a
 * filesystem without hard links): the caller copies instead.
 */
export async function linkHandedOver(source: string, target: string, mode: number, ifAbsent: boolean, durable: boolean): Promise<boolean | null> {
  try {
    // Another name for the same inode (the action hard-linked a file it keeps using)
    // would let later writes through that name change the blob: copy those instead.
    const s = await lstat(source);
    if (!s.isFile() || s.nlink !== 1) return null;
    await chmod(source, mode);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null; // the copy path reports the missing source
    throw error;
  }
  try {
    if (durable) await fsyncPath(source);
    try {
      await link(source, target);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
      await mkdir(target.slice(0, target.lastIndexOf('/')), { recursive: true });
      await link(source, target);
    }
    return true;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') {
      if (!ifAbsent) return null; // a plain put replaces: rename semantics need the copy path
      const s = await stat(target).catch(() => null);
      if (s?.isDirectory()) throw Object.assign(new Error(`EISDIR: ${target} is a directory`), { code: 'EISDIR' });
      return false;
    }
    if (code === 'EXDEV' || code === 'EPERM' || code === 'EMLINK' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return null;
    throw error;
  }
}
