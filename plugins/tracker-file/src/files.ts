import { closeSync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncPathSync as syncDir, writeAtomicSync } from '@aeroml/core';

// Synchronous on purpose: each write is small and takes microseconds on a local disk, and
// doing them in call order keeps the files in the order the engine spoke.

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

/** Queued lines above this many UTF-16 units are written at once, without waiting for the timer. */
const MAX_QUEUED = 256 * 1024;

/** Every Appenders with queued lines, so a process exiting without `close` still writes them. */
const withQueued = new Set<Appenders>();
let exitHookInstalled = false;
function writeQueuedOnExit(): void {
  for (const appenders of [...withQueued]) {
    try {
      appenders.flushQueued();
    } catch {
      // exiting: nowhere left to report it
    }
  }
}

/**
 * Append-only JSON Lines files kept open while they are in use. `appendLine(s)` is one
 * `write(2)` on an O_APPEND descriptor, so its lines land whole and in order, and are on
 * disk (in the page cache, or flushed with `fsync`) when the call returns.
 *
 * `queueLine` is for the event log, the one file written for every instance: its lines
 * are collected and written together (one write, one fsync) after `batchMs`, when
 * `MAX_QUEUED` is reached, by `flushQueued`, or before the file is closed. The file is
 * opened by the first queued line, so a log that cannot be opened fails that call. A
 * batch that cannot be written is dropped and its error thrown by the next call.
 */
export class Appenders {
  private readonly open = new Map<string, number>();
  private readonly queued = new Map<string, string[]>();
  private queuedSize = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    private readonly fsync: boolean,
    private readonly batchMs = 0,
  ) {}

  /** Appends one line (without its newline). */
  appendLine(path: string, line: string): void {
    this.write(path, `${line}\n`);
  }

  /** Appends several lines in one write; nothing for an empty list. */
  appendLines(path: string, lines: string[]): void {
    if (lines.length > 0) this.write(path, `${lines.join('\n')}\n`);
  }

  /** Queues one line (without its newline) for the next batch; with `batchMs` 0, appends it now. */
  queueLine(path: string, line: string): void {
    this.throwFailure();
    if (this.batchMs <= 0) return this.appendLine(path, line);
    this.fdOf(path);
    let lines = this.queued.get(path);
    if (lines === undefined) this.queued.set(path, (lines = []));
    lines.push(line);
    this.queuedSize += line.length + 1;
    withQueued.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', writeQueuedOnExit);
    }
    if (this.queuedSize >= MAX_QUEUED) this.flushQueued();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        try {
          this.flushQueued();
        } catch (error) {
          this.failure = error;
        }
      }, this.batchMs);
      this.timer.unref();
    }
  }

  /** Writes every queued line now: one write (and one fsync) per file. */
  flushQueued(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batches = [...this.queued];
    this.queued.clear();
    this.queuedSize = 0;
    withQueued.delete(this);
    for (const [path, lines] of batches) this.write(path, `${lines.join('\n')}\n`);
  }

  /** A failed background batch: thrown once, by the next call. */
  private throwFailure(): void {
    if (this.failure === undefined) return;
    const failure = this.failure;
    this.failure = undefined;
    throw failure;
  }

  private fdOf(path: string): number {
    let fd = this.open.get(path);
    if (fd === undefined) {
      fd = openCreating(path, 'a', this.fsync);
      this.open.set(path, fd);
    }
    return fd;
  }

  private write(path: string, text: string): void {
    const fd = this.fdOf(path);
    writeAll(fd, Buffer.from(text));
    if (this.fsync) fdatasyncSync(fd);
  }

  /** Closes one file (it is opened again if written to later); its queued lines are written first. */
  close(path: string): void {
    if (this.queued.has(path)) this.flushQueued();
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
    try {
      this.flushQueued();
    } finally {
      for (const path of [...this.open.keys()]) this.close(path);
    }
  }
}
