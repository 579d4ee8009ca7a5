import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { link, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The prefix of every aero temp file. Stores skip these names when listing and remove old
 * ones in gc, so a writer killed mid-write never leaves a visible key behind.
 */
export const ATOMIC_TEMP_PREFIX = '.aero-tmp-';

// pid + random: unique across the processes (and hosts, on a shared filesystem) writing
// into one directory; the counter makes names unique within this module instance.
const tag = `${process.pid.toString(36)}-${randomBytes(3).toString('hex')}`;
let counter = 0;

/** A new temp file path in `dir`, unique across processes and calls. */
export function atomicTempPath(dir: string, prefix: string = ATOMIC_TEMP_PREFIX): string {
  counter = (counter + 1) >>> 0;
  return `${dir}/${prefix}${tag}-${counter.toString(36)}`;
}

export interface AtomicWriteOptions {
  /** Mode the file is created with (umask applies). Default 0o666. */
  mode?: number;
  /** fsync the file before it is published and its directory after: survives power loss. */
  durable?: boolean;
  /**
   * Publish with link(2) instead of rename(2): the write happens only when `target` does not
   * exist, atomically also against concurrent writers (exactly one wins). The result says
   * whether this call wrote it. A directory at `target` is an EISDIR error, not "present".
   */
  ifAbsent?: boolean;
  /** Create the missing parent directory (only after an ENOENT: no mkdir per call). Default true. */
  createDir?: boolean;
  /** The temp file's path, when it must not be the default name beside `target` (same filesystem). */
  temp?: string;
}

/** What `writeAtomic` writes: bytes, text (UTF-8), chunks, or a function filling the open temp file. */
export type AtomicBody = string | Uint8Array | AsyncIterable<Uint8Array | string> | ((handle: FileHandle, tmp: string) => Promise<void>);

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isDirectoryError(target: string): Error {
  return Object.assign(new Error(`EISDIR: ${target} is a directory`), { code: 'EISDIR' });
}

async function openTemp(tmp: string, mode: number, createDir: boolean): Promise<FileHandle> {
  try {
    return await open(tmp, 'wx', mode);
  } catch (error) {
    if (!createDir || errnoOf(error) !== 'ENOENT') throw error;
  }
  await mkdir(dirname(tmp), { recursive: true });
  return open(tmp, 'wx', mode);
}

async function fill(handle: FileHandle, tmp: string, body: AtomicBody): Promise<void> {
  if (typeof body === 'string' || body instanceof Uint8Array) return handle.writeFile(body);
  if (typeof body === 'function') return body(handle, tmp);
  for await (const chunk of body) {
    const buf: Uint8Array = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let offset = 0;
    while (offset < buf.byteLength) offset += (await handle.write(buf, offset, buf.byteLength - offset)).bytesWritten;
  }
}

/**
 * Writes `target` atomically: the body goes to a temp file (created with `mode`), which is
 * then renamed over `target` (or linked, `ifAbsent`). Readers see the old file or the whole
 * new one, never half; after any failure the temp file is gone, the old file untouched, and
 * the error is rethrown as it is (callers wrap it in their own AeroError). Returns whether
 * `target` was written (false only with `ifAbsent` when it already existed).
 */
export async function writeAtomic(target: string, body: AtomicBody, options: AtomicWriteOptions = {}): Promise<boolean> {
  const createDir = options.createDir !== false;
  const tmp = options.temp ?? atomicTempPath(dirname(target));
  const handle = await openTemp(tmp, options.mode ?? 0o666, createDir);
  try {
    await fill(handle, tmp, body);
    if (options.durable) await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw error;
  }
  try {
    await handle.close();
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
  return publishTemp(tmp, target, options);
}

/**
 * Makes a finished temp file visible as `target` and removes the temp name whatever
 * happens (a renamed temp is the file now). Plain: rename (atomic replace). `ifAbsent`:
 * link, which fails with EEXIST atomically when `target` exists. `durable`: fsyncs the
 * directory afterwards so the new name survives power loss (the file itself is not synced
 * here). A temp in another directory than `target` gets `target`'s directory created.
 */
export async function publishTemp(tmp: string, target: string, options: Pick<AtomicWriteOptions, 'ifAbsent' | 'durable' | 'createDir'> = {}): Promise<boolean> {
  const put = options.ifAbsent ? link : rename;
  let renamed = false;
  try {
    try {
      await put(tmp, target);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT' || options.createDir === false || dirname(tmp) === dirname(target)) throw error;
      await mkdir(dirname(target), { recursive: true });
      await put(tmp, target);
    }
    renamed = !options.ifAbsent;
  } catch (error) {
    if (!options.ifAbsent || errnoOf(error) !== 'EEXIST') throw error;
    if ((await stat(target).catch(() => null))?.isDirectory()) throw isDirectoryError(target);
    return false;
  } finally {
    if (!renamed) await unlink(tmp).catch(() => {});
  }
  if (options.durable) await fsyncPath(dirname(target));
  return true;
}

/**
 * The same write with synchronous calls, for small bodies on hot paths (cache entries,
 * records, small outputs): each syscall takes microseconds on a local disk, while a
 * thread-pool round trip of the async API costs more than the call itself — at 10,000
 * actions that was most of a store's time. Same atomicity and failure cleanup.
 */
export function writeAtomicSync(target: string, body: string | Uint8Array, options: AtomicWriteOptions = {}): boolean {
  const dir = dirname(target);
  const tmp = options.temp ?? atomicTempPath(dir);
  const mode = options.mode ?? 0o666;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', mode);
  } catch (error) {
    if (options.createDir === false || errnoOf(error) !== 'ENOENT') throw error;
    mkdirSync(dirname(tmp), { recursive: true });
    fd = openSync(tmp, 'wx', mode);
  }
  try {
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    let offset = 0;
    while (offset < data.byteLength) offset += writeSync(fd, data, offset, data.byteLength - offset);
    if (options.durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(tmp);
    throw error;
  }
  closeSync(fd);
  let renamed = false;
  try {
    if (options.ifAbsent) {
      try {
        linkSync(tmp, target);
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') throw error;
        if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw isDirectoryError(target);
        return false;
      }
    } else {
      renameSync(tmp, target);
      renamed = true;
    }
  } finally {
    if (!renamed) unlinkQuietly(tmp);
  }
  if (options.durable) fsyncPathSync(dir);
  return true;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** fsyncs a file (its bytes) or a directory (the names in it: a rename or link survives power loss). */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `fsyncPath`, synchronously. */
export function fsyncPathSync(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
