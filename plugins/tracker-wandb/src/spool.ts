// The on-disk outbox: every tracker call becomes one JSON line in
// `<runDir>/wandb/outbox.jsonl` before anything is sent, and `state.json` records which
// lines W&B acknowledged. Whatever is not acknowledged is sent by the next flush or by
// `aero sync wandb`, so an outage, a crash or a missing API key never loses a call.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic, type ArtifactRef } from '@aeroml/core';
import { wandbError, WandbErrorCodes } from './errors.js';
import type { HistoryRow } from './mapping.js';

export const SPOOL_DIR = 'wandb';
export const OUTBOX = 'outbox.jsonl';
export const STATE = 'state.json';

export interface WbRunRef {
  /** W&B project. */
  project: string;
  /** W&B run id (`name` in GraphQL). The entity is not spooled: it is resolved when sending. */
  name: string;
}

export interface UpsertFields {
  displayName: string;
  groupName?: string | undefined;
  jobType: string;
  config: Record<string, unknown>;
  tags: string[];
  notes?: string | undefined;
  commit?: string | undefined;
  host?: string | undefined;
}

export interface SpooledFile {
  path: string;
  sha256: string;
  size: number;
  /** Local file with the bytes, when one was found at log time. */
  localPath?: string | undefined;
}

export type SpoolOp =
  | { seq: number; type: 'upsert'; run: WbRunRef; fields: UpsertFields }
  | { seq: number; type: 'history'; run: WbRunRef; rows: HistoryRow[] }
  | {
      seq: number;
      type: 'artifact';
      run: WbRunRef;
      direction: 'input' | 'output';
      cached: boolean;
      storage: 'upload' | 'reference';
      ref: Omit<ArtifactRef, 'files'>;
      files: SpooledFile[];
    }
  | { seq: number; type: 'finish'; run: WbRunRef; exitcode: number; summary: Record<string, unknown> };

/** A spool op before `append` numbers it. */
export type NewSpoolOp = SpoolOp extends infer T ? (T extends { seq: number } ? Omit<T, 'seq'> : never) : never;

export interface SpoolHeader {
  type: 'header';
  version: 1;
  runId: string;
  createdAt: string;
}

export interface SpoolState {
  version: 1;
  /** Every op with seq <= acked is acknowledged. */
  acked: number;
  /** Acknowledged ops above `acked` (history sent ahead of other runs' ops). */
  ackedAbove: number[];
  /** Lines of `wandb-history.jsonl` acknowledged per W&B run: the next file_stream offset. */
  historyOffsets: Record<string, number>;
  /** W&B artifact id per artifact op, once created. */
  artifactIds: Record<string, string>;
  /** Last rejection per op seq (kept until the op goes through). */
  rejected: Record<string, { message: string; status?: number | undefined; at: string }>;
}

export function emptyState(): SpoolState {
  return { version: 1, acked: 0, ackedAbove: [], historyOffsets: {}, artifactIds: {}, rejected: {} };
}

export class Spool {
  readonly dir: string;
  private ops: SpoolOp[] = [];
  private nextSeq = 1;
  state: SpoolState = emptyState();
  private writing: Promise<unknown> = Promise.resolve();
  private ackedSet = new Set<number>();

  constructor(runDir: string) {
    this.dir = join(runDir, SPOOL_DIR);
  }

  get outboxPath(): string {
    return join(this.dir, OUTBOX);
  }

  /** Loads an existing spool (resumed run, or `aero sync`); creates the folder if missing. */
  async open(runId: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const { ops } = await readOutbox(this.outboxPath);
    this.ops = ops;
    this.nextSeq = ops.reduce((max, op) => Math.max(max, op.seq), 0) + 1;
    this.state = await readState(join(this.dir, STATE));
    this.ackedSet = new Set(this.state.ackedAbove);
    if (ops.length === 0) {
      const header: SpoolHeader = { type: 'header', version: 1, runId, createdAt: new Date().toISOString() };
      await appendFile(this.outboxPath, `${JSON.stringify(header)}\n`);
    }
  }

  /** Numbers the op and appends it to the outbox (appends are serialized, so the file is in seq order). */
  append(op: NewSpoolOp): Promise<SpoolOp> {
    const numbered = { ...op, seq: this.nextSeq++ } as SpoolOp;
    this.ops.push(numbered);
    const write = this.writing.then(() => appendFile(this.outboxPath, `${JSON.stringify(numbered)}\n`));
    this.writing = write.catch(() => undefined);
    return write.then(() => numbered);
  }

  /** Waits until every append so far is on disk. */
  async settled(): Promise<void> {
    await this.writing;
  }

  isAcked(seq: number): boolean {
    return seq <= this.state.acked || this.ackedSet.has(seq);
  }

  /** Ops not yet acknowledged, in order. */
  pending(): SpoolOp[] {
    return this.ops.filter((op) => !this.isAcked(op.seq));
  }

  /** Marks ops acknowledged and persists the state atomically. */
  async ack(seqs: number[], update?: (state: SpoolState) => void): Promise<void> {
    for (const seq of seqs) {
      this.ackedSet.add(seq);
      delete this.state.rejected[String(seq)];
    }
    let acked = this.state.acked;
    while (this.ackedSet.has(acked + 1)) {
      acked += 1;
      this.ackedSet.delete(acked);
    }
    this.state.acked = acked;
    this.state.ackedAbove = [...this.ackedSet].sort((a, b) => a - b);
    // Acknowledged ops live on in the outbox file only.
    this.ops = this.ops.filter((op) => !this.isAcked(op.seq));
    update?.(this.state);
    await this.saveState();
  }

  async saveState(): Promise<void> {
    const path = join(this.dir, STATE);
    // Temp file + rename (core's helper); the spool folder exists already, as before.
    await writeAtomic(path, JSON.stringify(this.state), { createDir: false });
  }
}

/** Reads an outbox; a torn last line (crash mid-append) is ignored, a bad line elsewhere is an error. */
export async function readOutbox(path: string): Promise<{ header: SpoolHeader | undefined; ops: SpoolOp[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { header: undefined, ops: [] };
    throw error;
  }
  const lines = text.split('\n');
  const ops: SpoolOp[] = [];
  let header: SpoolHeader | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let parsed: SpoolOp | SpoolHeader;
    try {
      parsed = JSON.parse(line) as SpoolOp | SpoolHeader;
    } catch (error) {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (isLast) break;
      throw wandbError(WandbErrorCodes.WANDB_SPOOL_CORRUPT, `The W&B spool ${path} has an unreadable line ${i + 1}; the operations after it cannot be replayed safely.`, {
        hint: 'Inspect the file: every line must be one JSON object. Remove or repair the damaged line, then run `aero sync wandb` again.',
        cause: error,
      });
    }
    if (parsed.type === 'header') header = parsed;
    else ops.push(parsed);
  }
  ops.sort((a, b) => a.seq - b.seq);
  return { header, ops };
}

export async function readState(path: string): Promise<SpoolState> {
  try {
    const state = JSON.parse(await readFile(path, 'utf8')) as Partial<SpoolState>;
    return { ...emptyState(), ...state };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw wandbError(WandbErrorCodes.WANDB_SPOOL_CORRUPT, `The W&B spool state ${path} cannot be read.`, {
      hint: 'Delete the file to resend every spooled operation (W&B operations are idempotent), then run `aero sync wandb`.',
      cause: error,
    });
  }
}
