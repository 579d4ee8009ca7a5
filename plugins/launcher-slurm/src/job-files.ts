import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileTail, JobEventTail, jobFilePaths, writeFileAtomic, type JobEvent, type JobSpec } from '@aeroml/core';

/** Files of one job in its jobDir: the worker protocol's (job.json, events.jsonl, result.json) and Slurm's. */
export const jobFiles = (jobDir: string) => ({
  ...jobFilePaths(jobDir),
  stdout: join(jobDir, 'slurm.out'),
  stderr: join(jobDir, 'slurm.err'),
  exitCode: join(jobDir, 'slurm.exit'),
  env: join(jobDir, 'slurm.env.sh'),
  state: join(jobDir, 'slurm.json'),
});

/** Writes job.json when the engine has not (the worker reads it from the task). */
export async function ensureSpecFile(spec: JobSpec): Promise<void> {
  const path = jobFiles(spec.jobDir).spec;
  try {
    await readFile(path);
  } catch {
    await writeFileAtomic(path, JSON.stringify(spec, null, 2));
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

/**
 * Follows one job's events.jsonl and its stdout/stderr files and forwards them as
 * JobEvents; keeps the last lines of output for failure reports.
 */
export class JobFollower {
  private readonly events: JobEventTail;
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
    this.events = new JobEventTail(jobDir, jobId);
    this.out = new FileTail(f.stdout);
    this.err = new FileTail(f.stderr);
  }

  async poll(final = false): Promise<void> {
    // job:finished travels through the promise; job:started comes from Slurm's state.
    for (const event of await this.events.read(final)) this.emit(event);
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
