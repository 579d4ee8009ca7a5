// One aero run's connection to MLflow: its spool, its sender and the background loop that
// sends with backoff. Tracker calls only append to the spool and return; sending happens
// here, so a slow or dead server never blocks the pipeline.
import { AeroError, serverAbsent, type Logger } from '@aeroml/core';
import { isMlflowRequestError, type MlflowClient } from './client/client.js';
import { mlflowError, MlflowErrorCodes, type MlflowErrorCode } from './errors.js';
import type { NewOp } from './ops.js';
import type { StoreLike } from './options.js';
import { isFatal, Sender } from './sender.js';
import { Spool } from './spool.js';
import type { ResolveParent } from './study.js';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Waits for `promise`, or `ms` at most. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))]);
  clearTimeout(timer);
}

/** Makes the REST client of one session; `signal` aborts its requests when the session closes. */
export type ClientFactory = (signal: AbortSignal) => MlflowClient;

export interface SessionSettings {
  /** The aero store artifact bytes are read from when not on disk (init's store). */
  getStore?: () => StoreLike | undefined;
  batchDelayMs: number;
  retryDelayMs: number;
  retryMaxDelayMs: number;
  /** Connection failures after which a flush stops waiting (see options.ts). */
  offlineAfterAttempts: number;
  /** The MLflow id of a trial's study run (study.ts). */
  resolveParent?: ResolveParent | undefined;
}

/** A send that found no server at all (refused, unknown host), as opposed to a failing or slow one. */
function noAnswer(error: unknown): boolean {
  return isMlflowRequestError(error) && error.code === MlflowErrorCodes.MLFLOW_UNREACHABLE && error.status === undefined && serverAbsent(error.cause);
}

/** Journal bytes allowed to wait for the disk before tracker calls wait too. */
const MAX_UNWRITTEN = 8 * 1024 * 1024;

export class RunSession {
  readonly spool: Spool;
  readonly sender: Sender;
  /** Action instances opened with startAction → whether they were cache hits. */
  readonly actions = new Map<string, { cached: boolean }>();
  /** Output digests logged in this run → the instance that logged them (lineage of inputs without `producer`). */
  readonly outputs = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private failures = 0;
  private lastError: unknown = null;
  private fatal: unknown = null;
  private rejections: string[] = [];
  private closed = false;
  /** The last flush found no server: the next one tries once before giving up again. */
  private offline = false;
  /** While flush() drives delivery itself, a failed attempt schedules no background retry (it would race flush's own). */
  private flushing = false;
  /** Ops delivered by this session (for sync's count). */
  delivered = 0;

  /** Aborts requests in flight when the session closes. */
  private readonly abort = new AbortController();

  private constructor(spool: Spool, makeClient: ClientFactory, private readonly logger: Logger, private readonly settings: SessionSettings, recoveredUpTo: number) {
    this.spool = spool;
    const client = makeClient(this.abort.signal);
    this.sender = new Sender(client, spool, logger, { onReject: (m) => this.rejections.push(m) }, recoveredUpTo, settings.getStore, settings.resolveParent);
  }

  /** Opens (and locks) the spool in `dir`, queueing whatever an earlier process left unsent. */
  static async open(dir: string, trackingUri: string, makeClient: ClientFactory, logger: Logger, settings: SessionSettings, options: { lock: 'throw' | 'try' }): Promise<RunSession | null> {
    const { spool, pending, corruptLines } = await Spool.open(dir, trackingUri);
    if (options.lock === 'throw') await spool.lockOrThrow();
    else if (!(await spool.lock())) return null;
    if (corruptLines > 0) logger.warn(`mlflow: ${corruptLines} unreadable line(s) in ${dir}/ops.jsonl were skipped`);
    const session = new RunSession(spool, makeClient, logger, settings, spool.lastSequence);
    session.sender.queue.push(...pending);
    return session;
  }

  get pending(): number {
    return this.sender.pending;
  }

  /** Why the last delivery attempt failed (null after a good one). */
  get failure(): unknown {
    return this.lastError;
  }

  /** Appends ops to the journal and schedules sending. */
  async enqueue(ops: NewOp[]): Promise<void> {
    for (const op of ops) this.sender.queue.push(this.spool.append(op));
    if (this.spool.unwrittenBytes > MAX_UNWRITTEN) await this.spool.drain();
    this.schedule(this.settings.batchDelayMs);
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.timer || this.pumping) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, delayMs);
    this.timer.unref();
  }

  private backoff(): number {
    const base = Math.min(this.settings.retryMaxDelayMs, this.settings.retryDelayMs * 2 ** Math.min(this.failures - 1, 20));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  /** One delivery attempt (single flight). Never throws; failures schedule a retry. */
  pump(): Promise<void> {
    if (this.pumping) return this.pumping;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.pumping = (async () => {
      try {
        this.delivered += await this.sender.drain();
        this.failures = 0;
        this.offline = false;
        this.lastError = null;
        this.fatal = null;
      } catch (error) {
        this.failures++;
        this.lastError = error;
        if (isFatal(error)) this.fatal = error;
        this.logger.debug(`mlflow: send failed (${this.sender.pending} events spooled): ${(error as Error).message}`);
      } finally {
        this.pumping = null;
      }
      if (this.sender.pending > 0 && !this.flushing) this.schedule(this.fatal ? this.settings.retryMaxDelayMs : this.failures > 0 ? this.backoff() : 0);
    })();
    return this.pumping;
  }

  /**
   * Sends everything now, retrying with backoff until `timeoutMs` passes. Throws
   * MLFLOW_SPOOLED when events are left (they stay on disk and keep being retried),
   * the fatal error when one stops delivery, MLFLOW_EVENTS_REJECTED when the server refused some.
   */
  async flush(timeoutMs: number): Promise<void> {
    await this.spool.drain();
    const deadline = Date.now() + timeoutMs;
    let unanswered = 0;
    let offline = false;
    const attempts = this.offline ? 1 : this.settings.offlineAfterAttempts;
    this.flushing = true;
    try {
      while (this.sender.pending > 0) {
        if (this.fatal) throw this.stopped(this.fatal);
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        // A request may take longer than the time left: stop waiting, it goes on in the background.
        await raceTimeout(this.pump(), remaining);
        if (this.sender.pending === 0 || this.pumping || this.fatal) continue;
        // No server there: waiting out the deadline (on every command) would buy nothing.
        if (noAnswer(this.lastError) && ++unanswered >= attempts) {
          offline = this.offline = true;
          break;
        }
        await raceTimeout(sleep(this.backoff()), deadline - Date.now());
      }
    } finally {
      this.flushing = false;
      // What flush left undelivered is retried in the background, as after any failed attempt.
      if (this.sender.pending > 0 && !this.fatal) this.schedule(this.backoff());
    }
    await this.spool.saveState();
    if (this.sender.pending > 0) {
      if (this.fatal) throw this.stopped(this.fatal);
      const cause = this.lastError as Error | null;
      throw mlflowError(
        MlflowErrorCodes.MLFLOW_SPOOLED,
        offline
          ? `${this.sender.pending} MLflow event(s) are spooled, not sent: ${cause ? cause.message.replace(/\.$/, '') : 'the server is unreachable'} (gave up after ${unanswered} attempt(s)). They are kept in ${this.spool.dir}.`
          : `${this.sender.pending} MLflow event(s) are not delivered yet${cause ? ` (${cause.message})` : ''}; they are kept in ${this.spool.dir} and retried in the background.`,
        { cause, hint: 'Nothing is lost: when the server is back, `aero sync` sends them.', details: { pending: this.sender.pending, dir: this.spool.dir, offline } },
      );
    }
    if (this.rejections.length > 0) {
      const list = this.rejections.splice(0);
      throw mlflowError(MlflowErrorCodes.MLFLOW_EVENTS_REJECTED, `MLflow refused ${list.length} event(s) for good (first: ${list[0]}); they are listed in ${this.spool.dir}/rejected.jsonl.`, {
        hint: 'Fix the names or values (MLflow keys allow letters, digits, _ - . space : /; params cannot change value within a run).',
      });
    }
  }

  /**
   * The fatal error that stopped delivery, saying what became of the events: the engine
   * prints a tracker's failure as a one-line warning (no hint), and "the run continues"
   * alone reads as if they were lost.
   */
  private stopped(fatal: unknown): unknown {
    if (!(fatal instanceof AeroError) || this.sender.pending === 0) return fatal;
    const kept = `${this.sender.pending} MLflow event(s) stay spooled in ${this.spool.dir}, not rejected; \`aero sync\` sends them once this is fixed.`;
    return mlflowError(fatal.code as MlflowErrorCode, `${fatal.message.replace(/\.$/, '')}. ${kept}`, { cause: fatal, hint: fatal.hint, details: { ...fatal.details, pending: this.sender.pending, dir: this.spool.dir } });
  }

  /** Flushes, then stops the background loop, drops the fully-sent journal and unlocks. */
  async close(timeoutMs: number): Promise<void> {
    try {
      await this.flush(timeoutMs);
    } finally {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      // A request still in flight (the flush deadline passed) is abandoned: its ops stay spooled.
      this.abort.abort();
      if (this.pumping) await this.pumping;
      await this.spool.compact().catch(() => false);
      await this.spool.unlock();
    }
  }
}
