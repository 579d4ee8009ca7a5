import type { JobResult, JobSpec, LaunchContext, Launcher } from '../contracts/launcher.js';
import type { Aero } from '../engine.js';
import { AeroError, ErrorCodes } from '../errors.js';

/** Longest a trial's jobs wait for the trials started with it (one slow to plan must not stall the rest). */
export const GATE_MAX_HOLD_MS = 3_000;

/**
 * Trials started together hand their jobs to a launcher together, so a launcher that
 * batches (Slurm: one job array per action per submission window) gets the whole batch at
 * once however long each trial took to plan and look up its cache.
 *
 * A trial is *arriving* from the moment its worker starts it until its first `submit` or
 * the end of its run (a fully cached trial submits nothing). While another trial of the
 * study is arriving, a submission is held; when the last one arrives, every held
 * submission goes to its launcher in the same tick. Nothing is held longer than
 * `maxHoldMs`, and an abort or cancel lets everything through at once. Only the tune
 * driver sees this: each trial's project gets wrapped launchers for the length of its run.
 */
export class SubmitGate {
  private readonly arriving = new Set<object>();
  private held: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly maxHoldMs = GATE_MAX_HOLD_MS) {}

  /** A trial starts (before its params are asked for: Optuna answers one trial at a time). */
  enter(): object {
    const ticket = {};
    this.arriving.add(ticket);
    return ticket;
  }

  /** The trial's run is over (or it submitted): it holds no one back any more. */
  leave(ticket: object | undefined): void {
    if (ticket && this.arriving.delete(ticket) && this.arriving.size === 0) this.release();
  }

  /** Routes the trial project's launchers through the gate; the returned function undoes it. */
  attach(aero: Aero, ticket: object): () => void {
    const launchers = aero.plugins.launchers;
    const original = new Map(launchers);
    for (const [name, launcher] of original) launchers.set(name, this.wrap(launcher, ticket));
    return () => {
      for (const [name, launcher] of original) launchers.set(name, launcher);
    };
  }

  private wrap(inner: Launcher, ticket: object): Launcher {
    // Reads (name, maxConcurrency, managesGpus, a plugin's own extras) fall through to the launcher.
    const wrapped = Object.create(inner) as Launcher;
    wrapped.submit = (jobs, ctx) => this.submit(inner, ticket, jobs, ctx);
    wrapped.cancel = (jobIds) => {
      this.release();
      return inner.cancel(jobIds);
    };
    return wrapped;
  }

  private submit(inner: Launcher, ticket: object, jobs: JobSpec[], ctx: LaunchContext): Promise<JobResult>[] {
    this.arriving.delete(ticket);
    if (this.arriving.size === 0 || ctx.signal.aborted) {
      this.release();
      return inner.submit(jobs, ctx);
    }
    const forwarded = new Promise<Promise<JobResult>[]>((resolve) => {
      this.held.push(() => {
        try {
          resolve(inner.submit(jobs, ctx));
        } catch (error) {
          resolve(jobs.map(() => Promise.reject(error)));
        }
      });
    });
    ctx.signal.addEventListener('abort', () => this.release(), { once: true });
    this.timer ??= setTimeout(() => this.release(), this.maxHoldMs);
    return jobs.map((job, i) =>
      forwarded.then((results) => results[i] ?? Promise.reject(new AeroError(ErrorCodes.LAUNCHER_FAILED, `Launcher \`${inner.name}\` returned no result for ${job.jobId}.`))),
    );
  }

  /** Every held submission to its launcher, in one tick (a Slurm launcher's window takes them all). */
  private release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const held = this.held;
    this.held = [];
    for (const forward of held) forward();
  }
}
