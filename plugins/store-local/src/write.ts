import { chmodSync, constants, linkSync, lstatSync, mkdirSync, renameSync, statSync, type Stats } from 'node:fs';
import { chmod, copyFile, mkdir, stat, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { atomicTempPath, fsyncPath, publishTemp, writeAtomic, writeAtomicSync } from '@aeroml/core';
import { errnoOf } from './errors.js';
import { TEMP_PREFIX } from './keys.js';

export { fsyncPath };

/** A temp file path in `dir`, unique across processes and calls. */
export function tempPath(dir: string): string {
  return atomicTempPath(dir, TEMP_PREFIX);
}

/**
 * The streamed (large-value) path of `put`: writes `body` to a temp file created with
 * `mode` directly (0444 for blobs: the descriptor stays writable, nobody else's is), then
 * publishes it (see `commit`); `durable` fsyncs the file and then its directory.
 */
export async function putAsync(target: string, body: Uint8Array | string | Readable, mode: number, ifAbsent: boolean, durable: boolean): Promise<boolean> {
  return writeAtomic(target, body, { mode, ifAbsent, durable, temp: tempPath(target.slice(0, target.lastIndexOf('/'))) });
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
 * `durable`: the directory is fsynced after a write.
 */
export async function commit(tmp: string, target: string, ifAbsent: boolean, durable = false): Promise<boolean> {
  return publishTemp(tmp, target, { ifAbsent, durable });
}

/** Bodies up to this size are written with synchronous calls (see `putSmallSync`). */
export const SMALL_WRITE_BYTES = 64 * 1024;

/**
 * The small-value path of `put` (cache entries, manifests, records): temp file, write,
 * then rename or link, all synchronous. Each of these syscalls takes microseconds on a
 * local disk, while a thread-pool round trip of the async API costs more than the call
 * itself — at 10,000 actions that was most of the store's time. Same atomicity as the
 * async path. Returns whether the value was written (false: ifAbsent and present).
 */
export function putSmallSync(target: string, body: Uint8Array | string, mode: number, ifAbsent: boolean, durable: boolean): boolean {
  return writeAtomicSync(target, body, { mode, ifAbsent, durable, temp: tempPath(target.slice(0, target.lastIndexOf('/'))) });
}

/**
 * `putFile` with `handOver` of a content-addressed key (`sha256` given, `ifAbsent`, the
 * key absent a moment ago): the store takes the file itself by rename — one call, where a
 * hard link costs the link and then the caller's unlink. A rename replaces what a
 * concurrent writer may have put at the key since the presence check; under a
 * content-addressed key that is the same bytes, so no reader sees a change. Same checks as
 * `linkHandedOver` (a file with one name, made read-only first); null when the file cannot
 * be moved here (another filesystem): the caller links or copies instead.
 */
export async function moveHandedOver(source: string, target: string, mode: number, durable: boolean): Promise<boolean | null> {
  if (!prepareHandOver(source, mode)) return null;
  if (durable) await fsyncPath(source);
  try {
    makingParent(target, () => renameSync(source, target));
    return true;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return null;
    throw error;
  }
}

/**
 * Makes a handed-over file read-only, so the blob is never writable under its store name;
 * false when it cannot be taken over: not a regular file, gone (the copy path reports
 * that), or another name for the same inode (the action hard-linked a file it keeps
 * using, so later writes through that name would change the blob: copy those instead).
 */
function prepareHandOver(source: string, mode: number): boolean {
  try {
    const s = lstatSync(source);
    if (!s.isFile() || s.nlink !== 1) return false;
    chmodSync(source, mode);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Runs `place` (a link or rename to `target`), creating the target's folder after an ENOENT. */
function makingParent(target: string, place: () => void): void {
  try {
    place();
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
    mkdirSync(target.slice(0, target.lastIndexOf('/')), { recursive: true });
    place();
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
  // Synchronous calls (but the fsync): lstat, chmod and link are metadata operations of
  // microseconds whatever the file's size, less than a thread-pool round trip each, and
  // every output of a chain of actions waits for them.
  if (!prepareHandOver(source, mode)) return null;
  try {
    if (durable) await fsyncPath(source);
    makingParent(target, () => linkSync(source, target));
    return true;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') {
      if (!ifAbsent) return null; // a plain put replaces: rename semantics need the copy path
      if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(`EISDIR: ${target} is a directory`), { code: 'EISDIR' });
      return false;
    }
    if (code === 'EXDEV' || code === 'EPERM' || code === 'EMLINK' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return null;
    throw error;
  }
}
