import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEvent, JobResult } from './contracts/launcher.js';
import { traceCode } from './errors/trace.js';

/**
 * The launcher's side of the job-file protocol. A worker (`aero exec --spec <job.json>`)
 * that runs somewhere else — a container, a Slurm node — talks back through files in
 * the job's `jobDir` only:
 * - `job.json`: the JobSpec it runs (written by the engine or the launcher);
 * - `events.jsonl`: one JobEvent per line, appended while it runs;
 * - `result.json`: the JobResult, written atomically when it ends.
 */
export function jobFilePaths(jobDir: string): { spec: string; events: string; result: string } {
  return { spec: join(jobDir, 'job.json'), events: join(jobDir, 'events.jsonl'), result: join(jobDir, 'result.json') };
}

/**
 * The job's `result.json`, or `undefined` while there is none: missing, unreadable, not
 * JSON, without a boolean `ok`, or left by another job (its `jobId` differs).
 */
export async function readJobResult(jobDir: string, jobId: string): Promise<JobResult | undefined> {
  try {
    const result = JSON.parse(await readFile(jobFilePaths(jobDir).result, 'utf8')) as JobResult | null;
    return result && result.jobId === jobId && typeof result.ok === 'boolean' ? result : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads what was appended to a file since the last call, as whole lines. A last line
 * without its newline yet is kept for the next call, unless `final` (the writer is done).
 * A missing file reads as no lines; a file that shrank is read again from the start.
 */
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
      const lines = (this.partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
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
 * Follows a job's `events.jsonl`: each `read()` returns the events appended since the
 * last one, tagged with `jobId`. Blank lines and lines that are not a JSON event are
 * skipped. `job:started` and `job:finished` are left out: the launcher reports those
 * itself (the result travels through the promise `submit` returned).
 */
export class JobEventTail {
  private readonly tail: FileTail;
  constructor(
    jobDir: string,
    private readonly jobId: string,
  ) {
    this.tail = new FileTail(jobFilePaths(jobDir).events);
  }

  async read(final = false): Promise<JobEvent[]> {
    const events: JobEvent[] = [];
    for (const line of await this.tail.read(final)) {
      if (!line.trim()) continue;
      let event: JobEvent;
      try {
        event = JSON.parse(line) as JobEvent;
      } catch {
        continue;
      }
      if (event && typeof event.type === 'string' && event.type !== 'job:finished' && event.type !== 'job:started') events.push({ ...event, jobId: this.jobId });
    }
    return events;
  }
}

/** The result a launcher reports for a job that ended without a usable result.json. */
export function failedJobResult(jobId: string, startedAt: string, error: NonNullable<JobResult['error']>): JobResult {
  // A launcher's failure code (SLURM_JOB_TIMEOUT…) reaches the user without an AeroError
  // ever being built, so it is counted for tools/errors/triggered.mjs here.
  traceCode(error.code);
  return { jobId, ok: false, outputs: {}, startedAt, finishedAt: new Date().toISOString(), error };
}

/**
 * `message` followed by the last lines of the job's output (under `heading` when given),
 * or `message` alone when there are none.
 */
export function appendLogTail(message: string, tail: readonly string[], heading?: string): string {
  if (tail.length === 0) return message;
  return `${message}\n${heading ? `${heading}\n` : ''}${tail.join('\n')}`;
}
