import { closeSync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncPathSync as syncDir, writeAtomicSync } from '@aeroml/core';

// Synchronous on purpose: each call is one small write that takes microseconds on a
// local disk, and doing them in call order keeps the files in the order the engine spoke.

/**
 * Opens `path`, creating its missing parent folders. With `fsync`, the folders that now
 * hold a new entry are flushed (fsyncing the file alone does not persist its name): the
 * file's own folder, and the parent of every folder made.
 */
function openCreating(path: string, flags: string, fsync: boolean): number {
  let fd: number;
  let firstMade: string | undefined;
  try {
    fd = openSync(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    firstMade = mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, flags);
  }
  if (fsync) {
    try {
      for (let dir = dirname(path); ; dir = dirname(dir)) {
        syncDir(dir);
        if (firstMade === undefined || dir === firstMade || dir === dirname(dir)) break;
      }
      if (firstMade !== undefined) syncDir(dirname(firstMade));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }
  return fd;
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/** Writes a JSON file atomically (core's helper: temp file in the same directory + rename; `fsync`: durable). */
export function writeJsonAtomic(path: string, value: unknown, fsync: boolean): void {
  writeAtomicSync(path, `${JSON.stringify(value, null, 2)}\n`, { durable: fsync });
}

/**
 * Append-only JSON Lines files kept open while they are in use. Each call is one
 * `write(2)` on an O_APPEND descriptor, so its lines land whole and in order, and are on
 * disk (in the page cache, or flushed with `fsync`) when the call returns.
 */
export class Appenders {
  private readonly open = new Map<string, number>();

  constructor(private readonly fsync: boolean) {}

  /** Appends one line (without its newline). */
  appendLine(path: string, line: string): void {
    this.write(path, `${line}\n`);
  }

  /** Appends several lines in one write; nothing for an empty list. */
  appendLines(path: string, lines: string[]): void {
    if (lines.length > 0) this.write(path, `${lines.join('\n')}\n`);
  }

  private write(path: string, text: string): void {
    let fd = this.open.get(path);
    if (fd === undefined) {
      fd = openCreating(path, 'a', this.fsync);
      this.open.set(path, fd);
    }
    writeAll(fd, Buffer.from(text));
    if (this.fsync) fdatasyncSync(fd);
  }

  /** Closes one file (it is opened again if written to later). */
  close(path: string): void {
    const fd = this.open.get(path);
    if (fd === undefined) return;
    this.open.delete(path);
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }

  closeAll(): void {
    for (const path of [...this.open.keys()]) this.close(path);
  }
}
