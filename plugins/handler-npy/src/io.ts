import type { FileHandle } from 'node:fs/promises';
import { MAX_IO, handlerFileIo } from '@aeroml/core';
import { npyError, NpyErrorCodes } from './errors.js';

// The byte-level helpers live in @aeroml/core, shared with @aeroml/handler-fits.
export { MAX_IO, bytesOf, writeAt, swapBytesInPlace as swapInPlace } from '@aeroml/core';

/** Sequential bytes: a file range, or a decompressed stream. */
export interface ByteSource {
  /** Fills `target` as far as the data goes; resolves the byte count (short only at the end). */
  readInto(target: Uint8Array): Promise<number>;
}

/** Reads a byte range of an open file straight into the caller's buffer. */
export class FileSource implements ByteSource {
  constructor(
    private readonly fh: FileHandle,
    private position: number,
    private readonly end: number = Number.POSITIVE_INFINITY,
    private readonly onBytes?: (bytes: Uint8Array) => void,
  ) {}

  async readInto(target: Uint8Array): Promise<number> {
    let filled = 0;
    while (filled < target.length) {
      const want = Math.min(target.length - filled, MAX_IO, this.end - this.position);
      if (want <= 0) break;
      const { bytesRead } = await this.fh.read(target, filled, want, this.position);
      if (bytesRead === 0) break;
      this.onBytes?.(target.subarray(filled, filled + bytesRead));
      filled += bytesRead;
      this.position += bytesRead;
    }
    return filled;
  }

  /** Reads and discards the rest of the range (so a checksum over all of it can be checked). */
  async drain(): Promise<void> {
    if (!Number.isFinite(this.end)) return;
    const scratch = new Uint8Array(Math.min(1 << 20, Math.max(0, this.end - this.position)));
    while (this.position < this.end && (await this.readInto(scratch.subarray(0, Math.min(scratch.length, this.end - this.position)))) > 0);
  }
}

/** Copies chunks of an async byte stream (e.g. zlib's inflate output) into the caller's buffer. */
export class StreamSource implements ByteSource {
  private pending: Uint8Array = new Uint8Array(0);
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(stream: AsyncIterable<Uint8Array>, private readonly onBytes?: (bytes: Uint8Array) => void) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  async readInto(target: Uint8Array): Promise<number> {
    let filled = 0;
    while (filled < target.length) {
      if (this.pending.length === 0) {
        const next = await this.iterator.next();
        if (next.done) break;
        this.pending = next.value;
        this.onBytes?.(next.value);
        continue;
      }
      const n = Math.min(this.pending.length, target.length - filled);
      target.set(this.pending.subarray(0, n), filled);
      this.pending = this.pending.subarray(n);
      filled += n;
    }
    return filled;
  }

  /** Reads and discards the rest (so a checksum over the whole stream can be checked). */
  async drain(): Promise<void> {
    this.pending = new Uint8Array(0);
    for (;;) {
      const next = await this.iterator.next();
      if (next.done) return;
      this.onBytes?.(next.value);
    }
  }
}

/** Atomic writes, reads and allocation, failing with this handler's codes. */
export const { writeFileAtomically, openForRead, readFailed, allocate } = handlerFileIo({
  error: (failure, message, options) => npyError(NpyErrorCodes[failure], message, options),
  payload: 'the array',
  tooLargeHint: 'The array does not fit in memory here; read a smaller slice or use a machine with more memory.',
});
