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

/**
 * Bytes of queued lines per file. A line that might not fit (room is reckoned at 3 bytes
 * per UTF-16 unit) writes every queue at once, without waiting for the timer; a line
 * larger than a whole queue (over ~87,000 units) is then appended by itself. Lines are
 * encoded into this buffer as they are queued: a string kept until the batch was written
 * outlived a young-generation collection and was copied (a quarter of the time of a
 * 10,000-instance rerun's tracker calls went to GC).
 */
const QUEUE_BYTES = 256 * 1024;
/** UTF-8 takes at most 3 bytes per UTF-16 unit: room a line of `length` units needs, newline included. */
const roomFor = (length: number) => length * 3 + 1;

interface Queue {
  buffer: Buffer;
  used: number;
}

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
 * the queue of a file is full, by `flushQueued`, or before the file is closed. The file is
 * opened by the first queued line, so a log that cannot be opened fails that call. A
 * batch that cannot be written is dropped and its error thrown by the next call.
 */
export class Appenders {
  private readonly open = new Map<string, number>();
  private readonly queued = new Map<string, Queue>();
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
    let queue = this.queued.get(path);
    if (queue !== undefined && queue.used + roomFor(line.length) > queue.buffer.length) {
      this.flushQueued();
      queue = undefined;
    }
    if (roomFor(line.length) > QUEUE_BYTES) return this.appendLine(path, line);
    if (queue === undefined) this.queued.set(path, (queue = { buffer: this.spareBuffer() ?? Buffer.allocUnsafe(QUEUE_BYTES), used: 0 }));
    queue.used += queue.buffer.write(line, queue.used, 'utf8');
    queue.buffer[queue.used++] = 0x0a;
    withQueued.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', writeQueuedOnExit);
    }
    if (this.timer === undefined) {
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
    withQueued.delete(this);
    try {
      for (const [path, queue] of batches) this.writeBytes(path, queue.buffer.subarray(0, queue.used));
    } finally {
      // Written (or dropped with the error): the buffers serve the next batches.
      for (const [, queue] of batches) this.spare.push(queue.buffer);
    }
  }

  /** Buffers of written batches, reused (one per file with queued lines at most). */
  private readonly spare: Buffer[] = [];

  private spareBuffer(): Buffer | undefined {
    return this.spare.pop();
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
    this.writeBytes(path, Buffer.from(text));
  }

  private writeBytes(path: string, data: Buffer): void {
    const fd = this.fdOf(path);
    writeAll(fd, data);
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
      this.spare.length = 0;
    }
  }
}
