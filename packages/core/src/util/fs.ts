import type { FileHandle } from 'node:fs/promises';
import { writeAtomic } from './atomic-write.js';

/**
 * Creates `path` atomically from whatever `write` puts into the open temp file: readers
 * see the old file or the whole new one, never half. The temp file is removed on failure
 * and the error is rethrown as it is (callers wrap it in their own AeroError).
 */
export async function writeFileAtomicWith(path: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
  await writeAtomic(path, (fh) => write(fh));
}

/** Write a file atomically: temp file in the same directory, then rename over. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeAtomic(path, data);
}

export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
