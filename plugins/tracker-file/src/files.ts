import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

// Synchronous on purpose: each call is a few small writes that take microseconds on a
// local disk, and doing them in call order keeps the files in the order the engine spoke.

const tag = `${process.pid.toString(36)}-${randomBytes(3).toString('hex')}`;
let counter = 0;

function openCreating(path: string, flags: string, mode?: number): number {
  try {
    return openSync(path, flags, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, flags, mode);
  }
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/** Writes a JSON file atomically (temp file in the same directory + rename). */
export function writeJsonAtomic(path: string, value: unknown, fsync: boolean): void {
  counter = (counter + 1) >>> 0;
  const tmp = `${dirname(path)}/.aero-tmp-${tag}-${counter.toString(36)}`;
  const fd = openCreating(tmp, 'wx');
  let written = false;
  try {
    writeAll(fd, Buffer.from(`${JSON.stringify(value, null, 2)}\n`));
    if (fsync) fsyncSync(fd);
    written = true;
  } finally {
    closeSync(fd);
    if (!written) removeQuietly(tmp);
  }
  try {
    renameSync(tmp, path);
  } catch (error) {
    removeQuietly(tmp);
    throw error;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Append-only JSON Lines files kept open while they are in use. Each batch is one
 * `write(2)` on an O_APPEND descriptor, so it lands whole and in order, and is on disk
 * (in the page cache, or flushed with `fsync`) when the call resolves.
 */
export class Appenders {
  private readonly open = new Map<string, number>();

  append(path: string, lines: string[], fsync: boolean): void {
    if (lines.length === 0) return;
    let fd = this.open.get(path);
    if (fd === undefined) {
      fd = openCreating(path, 'a');
      this.open.set(path, fd);
    }
    writeAll(fd, Buffer.from(lines.join('\n') + '\n'));
    if (fsync) fdatasyncSync(fd);
  }

  /** Closes the files under `dir` (an action that ended), or all of them. */
  close(dir?: string): void {
    for (const [path, fd] of this.open) {
      if (dir !== undefined && dirname(path) !== dir) continue;
      this.open.delete(path);
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
  }
}
