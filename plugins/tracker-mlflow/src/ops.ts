// The events the tracker spools and sends, one JSON line each in the spool journal.
// Data ops (metrics/params/tags) are pre-split so each fits one `log-batch` request.
import type { ArtifactRef } from '@aeroml/core';
import { LOG_BATCH_LIMITS, type KeyValue, type MetricWire } from './client/client.js';
import { entrySize } from './mapping.js';
import type { ParentRef } from './study.js';

/** Which MLflow run an op is about: the parent (no instanceId) or one action's child run. */
export interface OpScope {
  runId: string;
  instanceId?: string | undefined;
}

export function scopeKey(scope: OpScope): string {
  return scope.instanceId === undefined ? '' : `a:${scope.instanceId}`;
}

export interface SpooledFile {
  path: string;
  sha256: string;
  size: number;
  /** Local file with the bytes, when one was found at log time. */
  localPath?: string | undefined;
  /** No local file: read the bytes from the aero store (`store.getFile`/`get`) at send time. */
  fromStore?: boolean | undefined;
  /** Where the bytes live in the aero store (for references). */
  storeUri?: string | undefined;
}

export type SpoolOp =
  | {
      seq: number;
      t: 'run';
      scope: OpScope;
      experimentName: string;
      runName: string;
      startTime: number;
      resume: boolean;
      userId?: string | undefined;
      /** Tags set at creation (ids the search for an existing run uses). */
      createTags: KeyValue[];
      /** A trial of aero tune: nest it under its study's MLflow run (study.ts). */
      parent?: ParentRef | undefined;
      /** A run started again by a later process (a resumed study): back to RUNNING when it exists. */
      reopen?: boolean | undefined;
    }
  | {
      seq: number;
      t: 'action';
      scope: OpScope;
      runName: string;
      startTime: number;
      userId?: string | undefined;
      createTags: KeyValue[];
    }
  | { seq: number; t: 'data'; scope: OpScope; metrics?: MetricWire[]; params?: KeyValue[]; tags?: KeyValue[] }
  | { seq: number; t: 'text'; scope: OpScope; path: string; content: string }
  | {
      seq: number;
      t: 'artifact';
      scope: OpScope;
      direction: 'input' | 'output';
      /** upload: send the files; reference: record where they are; cached: record only (action was a cache hit). */
      storage: 'upload' | 'reference' | 'cached';
      ref: Omit<ArtifactRef, 'files'>;
      files: SpooledFile[];
      manifestUri?: string | undefined;
      /** Inputs: the instance of this aero run that produced the artifact, when known. */
      producerInstance?: string | undefined;
    }
  | { seq: number; t: 'end'; scope: OpScope; status: 'FINISHED' | 'FAILED' | 'KILLED'; endTime: number };

export type NewOp = SpoolOp extends infer T ? (T extends { seq: number } ? Omit<T, 'seq'> : never) : never;

/** Requests keep under this many bytes (the server's limit is 1 MB, leave room for JSON framing). */
export const BATCH_BYTES = 900_000;

/** Splits metrics/params/tags into data ops that each fit one log-batch request. */
export function dataOps(scope: OpScope, input: { metrics?: MetricWire[]; params?: KeyValue[]; tags?: KeyValue[] }): NewOp[] {
  const out: NewOp[] = [];
  let cur = { metrics: [] as MetricWire[], params: [] as KeyValue[], tags: [] as KeyValue[], bytes: 0 };
  const push = () => {
    if (cur.metrics.length + cur.params.length + cur.tags.length === 0) return;
    const op: NewOp = { t: 'data', scope };
    if (cur.metrics.length) op.metrics = cur.metrics;
    if (cur.params.length) op.params = cur.params;
    if (cur.tags.length) op.tags = cur.tags;
    out.push(op);
    cur = { metrics: [], params: [], tags: [], bytes: 0 };
  };
  const add = (kind: 'metrics' | 'params' | 'tags', entry: MetricWire | KeyValue) => {
    const size = entrySize(entry);
    const count = cur.metrics.length + cur.params.length + cur.tags.length;
    if (cur[kind].length >= LOG_BATCH_LIMITS[kind] || count >= LOG_BATCH_LIMITS.entities || cur.bytes + size > BATCH_BYTES) push();
    (cur[kind] as Array<MetricWire | KeyValue>).push(entry);
    cur.bytes += size;
  };
  for (const p of input.params ?? []) add('params', p);
  for (const t of input.tags ?? []) add('tags', t);
  for (const m of input.metrics ?? []) add('metrics', m);
  push();
  return out;
}

export function opSize(op: SpoolOp): { metrics: number; params: number; tags: number; bytes: number } {
  if (op.t !== 'data') return { metrics: 0, params: 0, tags: 0, bytes: 0 };
  let bytes = 0;
  for (const e of op.metrics ?? []) bytes += entrySize(e);
  for (const e of op.params ?? []) bytes += entrySize(e);
  for (const e of op.tags ?? []) bytes += entrySize(e);
  return { metrics: op.metrics?.length ?? 0, params: op.params?.length ?? 0, tags: op.tags?.length ?? 0, bytes };
}
