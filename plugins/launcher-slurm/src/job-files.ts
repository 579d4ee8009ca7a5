import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEvent, JobResult, JobSpec } from '@aero/core';

/** Files of one job in its jobDir, as the worker protocol defines them. */
export const jobFiles = (jobDir: string) => ({
  spec: join(jobDir, 'job.json'),
  events: join(jobDir, 'events.jsonl'),
  result: join(jobDir, 'result.json'),
  stdout: join(jobDir, 'slurm.out'),
  stderr: join(jobDir, 'slurm.err'),
  exitCode: join(jobDir, 'slurm.exit'),
  env: join(jobDir, 'slurm.env.sh'),
  state: join(jobDir, 'slurm.json'),
});

export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Writes job.json when the engine has not (the worker reads it from the task). */
export async function ensureSpecFile(spec: JobSpec): Promise<void> {
  const path = jobFiles(spec.jobDir).spec;
  try {
    await readFile(path);
  } catch {
    await writeAtomic(path, JSON.stringify(spec, null, 2));
  }
}

export async function readResult(jobDir: string, jobId: string): Promise<JobResult | undefined> {
  try {
    const result = JSON.parse(await readFile(jobFiles(jobDir).result, 'utf8')) as JobResult;
    return result && result.jobId === jobId && typeof result.ok === 'boolean' ? result : undefined;
  } catch {
    return undefined;
  }
}

export async function readExitCode(jobDir: string): Promise<number | undefined> {
  try {
    const text = (await readFile(jobFiles(jobDir).exitCode, 'utf8')).trim();
    return text === '' ? undefined : Number(text);
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
      if (size === this.offset) return final ? this.flush() : [];
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const text = this.partial + buffer.subarray(0, bytesRead).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      return final ? [...lines, ...this.flush()] : lines;
    } finally {
      await handle.close();
    }
  }

  private flush(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest ? [rest] : [];
  }
}

/**
 * Follows one job's events.jsonl and its stdout/stderr files and forwards them as
 * JobEvents; keeps the last lines of output for failure reports.
 */
export class JobFollower {
  private readonly events: FileTail;
  private readonly out: FileTail;
  private readonly err: FileTail;
  readonly tail: string[] = [];

  constructor(
    private readonly jobId: string,
    jobDir: string,
    private readonly emit: (event: JobEvent) => void,
    private readonly tailLines: number,
  ) {
    const f = jobFiles(jobDir);
    this.events = new FileTail(f.events);
    this.out = new FileTail(f.stdout);
    this.err = new FileTail(f.stderr);
  }

  async poll(final = false): Promise<void> {
    for (const line of await this.events.read(final)) {
      if (!line.trim()) continue;
      let event: JobEvent;
      try {
        event = JSON.parse(line) as JobEvent;
      } catch {
        continue;
      }
      // job:finished travels through the promise; job:started comes from Slurm's state.
      if (event && typeof event.type === 'string' && event.type !== 'job:finished' && event.type !== 'job:started') this.emit({ ...event, jobId: this.jobId });
    }
    for (const [tail, stream] of [
      [this.out, 'stdout'],
      [this.err, 'stderr'],
    ] as const) {
      for (const line of await tail.read(final)) {
        this.tail.push(line);
        if (this.tail.length > this.tailLines) this.tail.shift();
        this.emit({ type: 'job:log', jobId: this.jobId, stream, line });
      }
    }
  }
}
