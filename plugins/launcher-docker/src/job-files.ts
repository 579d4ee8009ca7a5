import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobResult } from '@aero/core';

export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function readResult(jobDir: string, jobId: string): Promise<JobResult | undefined> {
  try {
    const result = JSON.parse(await readFile(join(jobDir, 'result.json'), 'utf8')) as JobResult;
    return result && result.jobId === jobId && typeof result.ok === 'boolean' ? result : undefined;
  } catch {
    return undefined;
  }
}

/** Reads what was appended to a file since the last call, line by line. */
export class FileTail {
  private offset = 0;
  private partial = '';
  constructor(readonly path: string) {}

  async read(final = false): Promise<string[]> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch {
      return [];
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset) this.offset = 0;
      let text = this.partial;
      if (size > this.offset) {
        const buffer = Buffer.alloc(size - this.offset);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        this.offset += bytesRead;
        text += buffer.subarray(0, bytesRead).toString('utf8');
      }
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      if (final && this.partial) {
        lines.push(this.partial);
        this.partial = '';
      }
      return lines;
    } finally {
      await handle.close();
    }
  }
}
