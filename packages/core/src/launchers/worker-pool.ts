import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { JobEvent, JobSpec } from '../contracts/launcher.js';
import { jobFilePaths } from '../job-files.js';
import { JOB_END_MARK, WARM_WORKER_ENV } from './warm-protocol.js';

/** How a job on a warm worker ended, as far as the process is concerned. */
export type WorkerOutcome = { done: true } | { done: false; code: number | null; signal: NodeJS.Signals | null; error?: Error };

export interface JobHooks {
  onLine(stream: 'stdout' | 'stderr', line: string): void;
  onEvent(event: JobEvent): void;
}

interface Worker {
  child: ChildProcess;
  key: string;
  /** The job it runs, if any. */
  job?: { jobId: string; hooks: JobHooks; marks: number; doneMessage: boolean; finish: (outcome: WorkerOutcome) => void };
}

/**
 * Warm `aero exec` processes for the process launcher: a worker runs one job at a time and,
 * when done, waits (over IPC) for the next job with the same working directory,
 * environment (CUDA_VISIBLE_DEVICES included: a library may read it once, at start),
 * config file, overrides and dev flag — the pool key, so every job runs exactly as it
 * would in a fresh process. A worker that crashes, is cancelled or times out is not reused.
 * Idle workers do not keep the parent alive; `close()` stops them.
 */
export class WorkerPool {
  private readonly idle = new Map<string, Worker[]>();
  private readonly all = new Set<Worker>();

  constructor(private readonly extraEnv: Record<string, string>) {}

  static keyOf(spec: JobSpec, extraEnv: Record<string, string>): string {
    return JSON.stringify([spec.cwd, { ...extraEnv, ...spec.env }, spec.configFile, spec.overrides ?? [], Boolean(spec.dev)]);
  }

  /** Runs `spec` on an idle worker of its key, or a new one; resolves when the job is over. */
  run(spec: JobSpec, execCommand: string[], hooks: JobHooks): { outcome: Promise<WorkerOutcome>; stop: (signal: NodeJS.Signals) => void } {
    const key = WorkerPool.keyOf(spec, this.extraEnv);
    const specPath = jobFilePaths(spec.jobDir).spec;
    let worker = this.idle.get(key)?.pop();
    const outcome = new Promise<WorkerOutcome>((resolve) => {
      const finish = (o: WorkerOutcome) => {
        if (!worker!.job) return;
        worker!.job = undefined;
        if (o.done && worker!.child.connected) this.park(worker!);
        resolve(o);
      };
      if (worker) {
        worker.job = { jobId: spec.jobId, hooks, marks: 0, doneMessage: false, finish };
        this.wake(worker);
        worker.child.send({ type: 'aero:job', spec: specPath });
      } else {
        worker = this.start(key, spec, execCommand, specPath);
        worker.job = { jobId: spec.jobId, hooks, marks: 0, doneMessage: false, finish };
      }
    });
    const w = worker!;
    return { outcome, stop: (signal) => w.child.kill(signal) };
  }

  private start(key: string, spec: JobSpec, execCommand: string[], specPath: string): Worker {
    const [cmd, ...args] = execCommand;
    const child = spawn(cmd!, [...args, '--spec', specPath], {
      cwd: spec.cwd,
      env: { ...process.env, ...this.extraEnv, ...spec.env, [WARM_WORKER_ENV]: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const worker: Worker = { child, key };
    this.all.add(worker);
    const settle = () => {
      const job = worker.job;
      if (job && job.doneMessage && job.marks === 2) job.finish({ done: true });
    };
    const pipe = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') =>
      createInterface({ input: stream }).on('line', (line) => {
        if (line.startsWith(JOB_END_MARK)) {
          if (worker.job) worker.job.marks++;
          return settle();
        }
        worker.job?.hooks.onLine(name, line);
      });
    pipe(child.stdout!, 'stdout');
    pipe(child.stderr!, 'stderr');
    child.on('message', (message) => {
      const m = message as JobEvent | { type: 'aero:job-done'; jobId: string };
      if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
      if (m.type === 'aero:job-done') {
        if (worker.job) worker.job.doneMessage = true;
        return settle();
      }
      if (m.type !== 'job:finished') worker.job?.hooks.onEvent(m);
    });
    const gone = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      this.forget(worker);
      worker.job?.finish({ done: false, code, signal, ...(error ? { error } : {}) });
    };
    child.on('error', (error) => gone(null, null, error));
    child.on('close', (code, signal) => gone(code, signal));
    return worker;
  }

  /** An idle worker waits without keeping the parent process alive. */
  private park(worker: Worker): void {
    worker.child.unref();
    (worker.child.channel as { unref?: () => void } | undefined)?.unref?.();
    for (const s of [worker.child.stdout, worker.child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
    const list = this.idle.get(worker.key) ?? [];
    list.push(worker);
    this.idle.set(worker.key, list);
  }

  private wake(worker: Worker): void {
    worker.child.ref();
    (worker.child.channel as { ref?: () => void } | undefined)?.ref?.();
    for (const s of [worker.child.stdout, worker.child.stderr]) (s as unknown as { ref?: () => void } | null)?.ref?.();
  }

  private forget(worker: Worker): void {
    this.all.delete(worker);
    const list = this.idle.get(worker.key);
    if (list)
      this.idle.set(
        worker.key,
        list.filter((w) => w !== worker)
      );
  }

  /** Stops every worker: idle ones are told to stop, and all are killed if they linger. */
  async close(): Promise<void> {
    for (const worker of [...this.all]) {
      if (!worker.job && worker.child.connected) worker.child.send({ type: 'aero:stop' });
      else worker.child.kill('SIGTERM');
    }
  }
}
