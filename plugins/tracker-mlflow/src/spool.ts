// The on-disk outbox of one aero run: `<runDir>/<spoolDir>/ops.jsonl` gets one JSON line per
// event before anything is sent; `state.json` records the MLflow ids created so far and the
// highest sequence number the server acknowledged (every op up to it was delivered). After a
// crash or an outage, the ops above `acked` are sent again. Resending is safe: MLflow keys
// metrics by (key, step, timestamp, value), params may be re-logged with the same value,
// tags and artifact uploads overwrite, and runs are looked up before being created.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeAtomic as writeAtomicFile } from '@aeroml/core';
import { mlflowError, MlflowErrorCodes } from './errors.js';
import type { NewOp, SpoolOp } from './ops.js';

export const OPS_FILE = 'ops.jsonl';
export const STATE_FILE = 'state.json';
export const LOCK_FILE = 'lock.json';
export const REJECTED_FILE = 'rejected.jsonl';

/** The spool folder inside a run directory (`mlflow`, or `mlflow-<name>` for a named instance). */
export function spoolDirName(pluginName: string): string {
  return pluginName === 'mlflow' ? 'mlflow' : `mlflow-${pluginName}`;
}

export interface SpoolState {
  version: 1;
  /** Server the MLflow ids below belong to. */
  trackingUri: string;
  experimentId?: string | undefined;
  /** scopeKey (`''` for the parent run, `a:<instanceId>` for actions) → MLflow run id. */
  runIds: Record<string, string>;
  /** MLflow run id → artifact URI. */
  artifactUris: Record<string, string>;
  /** The parent run already existed (resume) when it was looked up. */
  resumed?: boolean | undefined;
  /** Every op with seq <= acked was delivered (or rejected for good and written to rejected.jsonl). */
  acked: number;
  /** Ops the server refused for good (see rejected.jsonl). */
  rejected: number;
}

// Tokens of spools open in this process, shared by every copy of this module.
const LIVE_KEY = Symbol.for('@aeroml/tracker-mlflow/live-spools');
const live: Set<string> = ((globalThis as Record<symbol, unknown>)[LIVE_KEY] as Set<string> | undefined) ?? new Set<string>();
(globalThis as Record<symbol, unknown>)[LIVE_KEY] = live;

interface LockInfo {
  pid: number;
  host: string;
  token: string;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockIsLive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  if (info.pid === process.pid) return live.has(info.token);
  return pidAlive(info.pid);
}

/** Temp file + rename (core's helper); the spool folder exists already, as before. */
async function writeAtomic(file: string, text: string): Promise<void> {
  await writeAtomicFile(file, text, { createDir: false });
}

export class Spool {
  readonly dir: string;
  state: SpoolState;
  private lastSeq: number;
  private readonly token = randomBytes(8).toString('hex');
  private buffer: string[] = [];
  private bufferBytes = 0;
  private writing: Promise<void> | null = null;
  private writeError: unknown = null;
  private saving: Promise<void> | null = null;
  private saveAgain = false;
  private locked = false;

  private constructor(dir: string, state: SpoolState, lastSeq: number) {
    this.dir = dir;
    this.state = state;
    this.lastSeq = lastSeq;
  }

  /** Reads state and journal; returns the ops not yet acknowledged. Does not lock. */
  static async open(dir: string, trackingUri: string): Promise<{ spool: Spool; pending: SpoolOp[]; corruptLines: number }> {
    await mkdir(dir, { recursive: true });
    let state: SpoolState = { version: 1, trackingUri, runIds: {}, artifactUris: {}, acked: 0, rejected: 0 };
    try {
      const parsed = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as SpoolState;
      if (parsed && parsed.version === 1) state = { ...state, ...parsed };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        // A state file we cannot read: resend everything (idempotent) rather than lose data.
        state = { ...state, acked: 0 };
      }
    }
    const pending: SpoolOp[] = [];
    let lastSeq = state.acked;
    let corruptLines = 0;
    let text = '';
    try {
      text = await readFile(join(dir, OPS_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const op = JSON.parse(line) as SpoolOp;
        if (typeof op.seq !== 'number') throw new Error('no seq');
        lastSeq = Math.max(lastSeq, op.seq);
        if (op.seq > state.acked) pending.push(op);
      } catch {
        // The last line may be cut by a crash mid-write; anything else is counted.
        if (i !== lines.length - 1) corruptLines++;
      }
    });
    pending.sort((a, b) => a.seq - b.seq);
    return { spool: new Spool(dir, state, lastSeq), pending, corruptLines };
  }

  /** Takes the spool's lock; false when another live writer holds it. */
  async lock(): Promise<boolean> {
    if (this.locked) return true;
    const file = join(this.dir, LOCK_FILE);
    const mine: LockInfo = { pid: process.pid, host: hostname(), token: this.token };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await writeFile(file, JSON.stringify(mine), { flag: 'wx' });
        this.locked = true;
        live.add(this.token);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let info: LockInfo | null = null;
      try {
        info = JSON.parse(await readFile(file, 'utf8')) as LockInfo;
      } catch {
        info = null; // half-written or vanished: treat as stale
      }
      if (info && lockIsLive(info)) return false;
      await unlink(file).catch(() => undefined);
    }
    return false;
  }

  /** Takes the lock or throws MLFLOW_SPOOL_LOCKED. */
  async lockOrThrow(): Promise<void> {
    if (await this.lock()) return;
    throw mlflowError(MlflowErrorCodes.MLFLOW_SPOOL_LOCKED, `Another live process is writing the MLflow spool in ${this.dir}; this tracker will not write to the same run.`, {
      hint: `Wait for that process to finish, or delete ${join(this.dir, LOCK_FILE)} if it is gone.`,
    });
  }

  async unlock(): Promise<void> {
    if (!this.locked) return;
    this.locked = false;
    live.delete(this.token);
    await unlink(join(this.dir, LOCK_FILE)).catch(() => undefined);
  }

  /** Numbers an op and queues its line for the journal. */
  append(op: NewOp): SpoolOp {
    const full = { ...op, seq: ++this.lastSeq } as SpoolOp;
    const line = JSON.stringify(full);
    this.buffer.push(line);
    this.bufferBytes += line.length + 1;
    if (!this.writing) this.writing = this.writeLoop();
    return full;
  }

  /** Bytes queued for the journal but not written yet (callers apply backpressure). */
  get unwrittenBytes(): number {
    return this.bufferBytes;
  }

  get lastSequence(): number {
    return this.lastSeq;
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.buffer.length > 0) {
        const chunk = `${this.buffer.join('\n')}\n`;
        this.buffer = [];
        this.bufferBytes = 0;
        await appendFile(join(this.dir, OPS_FILE), chunk);
      }
    } catch (error) {
      this.writeError = error;
    } finally {
      this.writing = null;
    }
  }

  /** Waits until every appended op is in the journal. */
  async drain(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.writeError) {
      const error = this.writeError;
      this.writeError = null;
      throw mlflowError(MlflowErrorCodes.MLFLOW_SPOOLED, `Cannot write the MLflow spool in ${this.dir}: ${(error as Error).message}. Events are kept in memory and sent while the process lives.`, {
        cause: error,
        hint: 'Free disk space or fix the permissions of the run directory.',
      });
    }
  }

  /** Persists `state` (atomic). Concurrent calls coalesce into one more write. */
  async saveState(): Promise<void> {
    if (this.saving) {
      this.saveAgain = true;
      return this.saving;
    }
    this.saving = (async () => {
      try {
        do {
          this.saveAgain = false;
          await writeAtomic(join(this.dir, STATE_FILE), `${JSON.stringify(this.state, null, 1)}\n`);
        } while (this.saveAgain);
      } finally {
        this.saving = null;
      }
    })();
    return this.saving;
  }

  /** Records an op the server refused for good. */
  async reject(op: SpoolOp, error: unknown, detail?: unknown): Promise<void> {
    this.state.rejected++;
    const line = JSON.stringify({ at: new Date().toISOString(), seq: op.seq, t: op.t, scope: op.scope, error: (error as Error)?.message ?? String(error), detail: detail ?? op });
    await appendFile(join(this.dir, REJECTED_FILE), `${line}\n`);
  }

  /** Removes the journal when everything in it was acknowledged (state.json keeps the ids). */
  async compact(): Promise<boolean> {
    await this.drain();
    if (this.state.acked < this.lastSeq) return false;
    await this.saveState();
    await unlink(join(this.dir, OPS_FILE)).catch(() => undefined);
    return true;
  }
}
