import { createHash } from 'node:crypto';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// Hashing 1 GiB costs ~1-2 s of CPU; a worker thread keeps it off the event loop that is
// moving the bytes. The worker hashes a file from the start up to a limit that the main
// thread raises as parts complete (or to the end of the file when no limit is sent).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const fd = fs.openSync(workerData.path, 'r');
const hash = createHash('sha256');
const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
let pos = 0;
function finish() {
  fs.closeSync(fd);
  parentPort.postMessage({ digest: hash.digest('hex'), bytes: pos });
  parentPort.close();
}
function pump(limit) {
  while (pos < limit) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, limit - pos), pos);
    if (n === 0) throw new Error('file shorter than expected at byte ' + pos);
    hash.update(buf.subarray(0, n));
    pos += n;
  }
  if (pos === workerData.size) finish();
}
if (workerData.size < 0) {
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
    pos += n;
  }
  finish();
} else {
  if (workerData.size === 0) finish();
  else parentPort.on('message', (limit) => pump(limit));
}
`;

/**
 * sha256 of a file computed on a worker thread. With `size`, bytes are hashed only up to
 * the limit given to `advance` (a file being written out of order by parallel ranged
 * downloads: the hashed prefix grows as parts complete); without, the whole file at once.
 */
export class FileHasher {
  private readonly worker: import('node:worker_threads').Worker;
  private readonly result: Promise<string>;
  private readonly done = new Map<number, number>();
  private contiguous = 0;

  private constructor(worker: import('node:worker_threads').Worker) {
    this.worker = worker;
    this.result = new Promise<string>((resolve, reject) => {
      worker.once('message', (m: { digest: string }) => resolve(m.digest));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`hash worker exited (${code}) before finishing`)));
    });
    this.result.catch(() => {}); // surfaced by digest()
  }

  static async start(path: string, size = -1): Promise<FileHasher> {
    const { Worker } = await import('node:worker_threads');
    return new FileHasher(new Worker(WORKER_SOURCE, { eval: true, workerData: { path, size } }));
  }

  /** Marks bytes [start, end) as written; hashing proceeds over the completed prefix. */
  complete(start: number, end: number): void {
    this.done.set(start, end);
    let next = this.done.get(this.contiguous);
    if (next === undefined) return;
    while (next !== undefined) {
      this.done.delete(this.contiguous);
      this.contiguous = next;
      next = this.done.get(this.contiguous);
    }
    this.worker.postMessage(this.contiguous);
  }

  digest(): Promise<string> {
    return this.result;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
