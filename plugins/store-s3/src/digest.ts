import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const CHUNK = 1024 * 1024;

/** sha256 of a file, read in 1 MiB chunks (no whole-file buffer). */
export async function hashFile(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } finally {
    await fh.close();
  }
}

/**
 * Hashes a file that is being written out of order (parallel ranged downloads): `done(start,
 * end)` marks a range complete; the hasher reads back and hashes the contiguous completed
 * prefix as it grows, so hashing overlaps the transfer and needs no buffering of parts.
 */
export class SequentialFileHasher {
  private readonly hash = createHash('sha256');
  private readonly ranges = new Map<number, number>();
  private position = 0;
  private running: Promise<void> = Promise.resolve();
  private readonly buf = Buffer.allocUnsafe(CHUNK);

  constructor(
    private readonly fh: { read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> },
    private readonly size: number,
  ) {}

  done(start: number, end: number): void {
    this.ranges.set(start, end);
    this.running = this.running.then(() => this.drain());
    this.running.catch(() => {}); // surfaced by digest()
  }

  private async drain(): Promise<void> {
    for (;;) {
      const end = this.ranges.get(this.position);
      if (end === undefined) return;
      this.ranges.delete(this.position);
      while (this.position < end) {
        const len = Math.min(CHUNK, end - this.position);
        const { bytesRead } = await this.fh.read(this.buf, 0, len, this.position);
        if (bytesRead === 0) throw new Error(`short read at ${this.position}`);
        this.hash.update(this.buf.subarray(0, bytesRead));
        this.position += bytesRead;
      }
    }
  }

  /** Resolves the hex digest once every byte has been marked done and hashed. */
  async digest(): Promise<string> {
    await this.running;
    if (this.position !== this.size) throw new Error(`hashed ${this.position} of ${this.size} bytes`);
    return this.hash.digest('hex');
  }
}
