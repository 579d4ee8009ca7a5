// Delivers spooled ops to MLflow in order. Consecutive data ops are packed into one
// `log-batch` per MLflow run (within the request limits); structural ops (create run,
// artifact, end) go one by one. A retryable failure stops delivery with the queue intact
// (the session retries later); a request the server refuses for good is narrowed down by
// halving until the offending entries are found, which are written to rejected.jsonl.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, openAsBlob } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@aeroml/core';
import { filterString, isMlflowRequestError, LOG_BATCH_LIMITS, MlflowClient, type KeyValue, type MetricWire, type MlflowRun } from './client/client.js';
import { artifactDir, artifactManifest, artifactTags, blobKey, MANIFEST_NAME } from './artifacts.js';
import { mlflowError, MlflowErrorCodes } from './errors.js';
import { BATCH_BYTES, opSize, scopeKey, type SpooledFile, type SpoolOp } from './ops.js';
import type { StoreLike } from './options.js';
import type { Spool } from './spool.js';
import type { ResolveParent } from './study.js';

/** Errors that no retry will fix while the process lives (bad credentials, deleted experiment). */
export function isFatal(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return code === MlflowErrorCodes.MLFLOW_AUTH_FAILED || code === MlflowErrorCodes.MLFLOW_EXPERIMENT_DELETED || code === MlflowErrorCodes.MLFLOW_RESPONSE_INVALID;
}

export function isRetryable(error: unknown): boolean {
  return isMlflowRequestError(error) ? error.retryable : !(error instanceof Error && 'code' in error);
}

type Item = { kind: 'metrics'; entry: MetricWire; seq: number } | { kind: 'params'; entry: KeyValue; seq: number } | { kind: 'tags'; entry: KeyValue; seq: number };

/** Entries that fail a run as a whole: halving would not help. */
const WHOLE_RUN_ERRORS = new Set(['RESOURCE_DOES_NOT_EXIST', 'INVALID_STATE']);

export interface SenderEvents {
  /** An op or entry was refused for good. */
  onReject(message: string): void;
}

export class Sender {
  readonly queue: SpoolOp[] = [];
  /** Ops with seq <= this were (maybe) sent before this process: look runs up before creating. */
  private readonly recoveredUpTo: number;
  private readonly attempted = new Set<number>();
  private warnedNotProxied = false;

  constructor(
    private readonly client: MlflowClient,
    private readonly spool: Spool,
    private readonly logger: Logger,
    private readonly events: SenderEvents,
    recoveredUpTo: number,
    /** The aero store to read artifact bytes from when they are not on local disk. */
    private readonly getStore: () => StoreLike | undefined = () => undefined,
    /** Finds the MLflow run a trial's run nests under (op.parent). */
    private readonly resolveParent?: ResolveParent,
  ) {
    this.recoveredUpTo = recoveredUpTo;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Sends everything queued; throws the first retryable or fatal error (queue kept from that op on). */
  async drain(): Promise<number> {
    let sent = 0;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.t === 'data') {
        const window = this.takeWindow();
        await this.sendData(window);
        sent += window.length;
        this.ack(window.length);
      } else {
        try {
          await this.sendStructural(head);
        } catch (error) {
          this.attempted.add(head.seq);
          if (isRetryable(error) || isFatal(error)) throw error;
          await this.rejectOp(head, error);
        }
        sent++;
        this.ack(1);
      }
    }
    await this.spool.saveState();
    return sent;
  }

  private ack(count: number): void {
    const done = this.queue.splice(0, count);
    this.spool.state.acked = Math.max(this.spool.state.acked, done[done.length - 1]!.seq);
    this.spool.saveState().catch((error: unknown) => this.logger.warn(`mlflow: cannot save spool state: ${(error as Error).message}`));
  }

  private async rejectOp(op: SpoolOp, error: unknown): Promise<void> {
    const message = `MLflow refused ${op.t} for ${op.scope.instanceId ?? 'the run'}: ${(error as Error).message}`;
    this.logger.warn(message, { seq: op.seq });
    this.events.onReject(message);
    await this.spool.reject(op, error);
  }

  private needsLookup(op: SpoolOp): boolean {
    return op.seq <= this.recoveredUpTo || this.attempted.has(op.seq);
  }

  // ---------------------------------------------------------------- data

  private takeWindow(): SpoolOp[] {
    const totals = new Map<string, { metrics: number; params: number; tags: number; bytes: number }>();
    const out: SpoolOp[] = [];
    for (const op of this.queue) {
      if (op.t !== 'data') break;
      const key = scopeKey(op.scope);
      const size = opSize(op);
      const cur = totals.get(key) ?? { metrics: 0, params: 0, tags: 0, bytes: 0 };
      const fits =
        cur.metrics + size.metrics <= LOG_BATCH_LIMITS.metrics &&
        cur.params + size.params <= LOG_BATCH_LIMITS.params &&
        cur.tags + size.tags <= LOG_BATCH_LIMITS.tags &&
        cur.metrics + cur.params + cur.tags + size.metrics + size.params + size.tags <= LOG_BATCH_LIMITS.entities &&
        cur.bytes + size.bytes <= BATCH_BYTES;
      if (!fits && out.length > 0) break;
      if (!totals.has(key) && totals.size >= 16) break;
      totals.set(key, { metrics: cur.metrics + size.metrics, params: cur.params + size.params, tags: cur.tags + size.tags, bytes: cur.bytes + size.bytes });
      out.push(op);
    }
    return out;
  }

  private async sendData(window: SpoolOp[]): Promise<void> {
    const packs = new Map<string, Item[]>();
    for (const op of window) {
      if (op.t !== 'data') continue;
      const runId = this.spool.state.runIds[scopeKey(op.scope)];
      if (!runId) {
        await this.rejectOp(op, new Error('its MLflow run was never created (see the earlier rejection)'));
        continue;
      }
      const items = packs.get(runId) ?? [];
      for (const entry of op.params ?? []) items.push({ kind: 'params', entry, seq: op.seq });
      for (const entry of op.tags ?? []) items.push({ kind: 'tags', entry, seq: op.seq });
      for (const entry of op.metrics ?? []) items.push({ kind: 'metrics', entry, seq: op.seq });
      packs.set(runId, items);
    }
    for (const [runId, items] of packs) await this.sendItems(runId, dedupe(items));
  }

  private async sendItems(runId: string, items: Item[]): Promise<void> {
    if (items.length === 0) return;
    const body = { runId, metrics: [] as MetricWire[], params: [] as KeyValue[], tags: [] as KeyValue[] };
    for (const item of items) (body[item.kind] as Array<MetricWire | KeyValue>).push(item.entry);
    try {
      await this.client.logBatch(body);
    } catch (error) {
      if (isRetryable(error) || isFatal(error)) throw error;
      const wholeRun = isMlflowRequestError(error) && error.errorCode !== undefined && WHOLE_RUN_ERRORS.has(error.errorCode);
      if (items.length === 1 || wholeRun) {
        const message = `MLflow refused ${items.length} ${items.length === 1 ? `${items[0]!.kind.replace(/s$/, '')} \`${items[0]!.entry.key}\`` : 'entries'} of run ${runId}: ${(error as Error).message}`;
        this.logger.warn(message);
        this.events.onReject(message);
        await this.spool.reject({ seq: items[0]!.seq, t: 'data', scope: { runId } }, error, items);
        return;
      }
      this.logger.debug(`mlflow: log-batch of ${items.length} entries refused (${(error as Error).message}); retrying in halves to find the bad entries`);
      const half = Math.ceil(items.length / 2);
      await this.sendItems(runId, items.slice(0, half));
      await this.sendItems(runId, items.slice(half));
    }
  }

  // ---------------------------------------------------------------- structural

  private async sendStructural(op: SpoolOp): Promise<void> {
    switch (op.t) {
      case 'run':
        return this.ensureParentRun(op);
      case 'action':
        return this.ensureChildRun(op);
      case 'text':
        return this.uploadText(op);
      case 'artifact':
        return this.sendArtifact(op);
      case 'end': {
        const runId = this.runIdFor(op);
        await this.client.updateRun({ runId, status: op.status, endTime: op.endTime });
        return;
      }
      default:
        return;
    }
  }

  private runIdFor(op: SpoolOp): string {
    const id = this.spool.state.runIds[scopeKey(op.scope)];
    if (!id) throw mlflowError(MlflowErrorCodes.MLFLOW_REQUEST_FAILED, `no MLflow run exists for ${op.scope.instanceId ?? 'the run'} (its creation was refused earlier)`);
    return id;
  }

  private remember(key: string, run: MlflowRun): void {
    this.spool.state.runIds[key] = run.info.run_id;
    if (run.info.artifact_uri) this.spool.state.artifactUris[run.info.run_id] = run.info.artifact_uri;
  }

  private async ensureParentRun(op: Extract<SpoolOp, { t: 'run' }>): Promise<void> {
    const state = this.spool.state;
    if (state.runIds['']) {
      if (op.reopen) await this.client.updateRun({ runId: state.runIds[''], status: 'RUNNING' });
      return;
    }
    // A trial nests under its study's run; without a resolver (or a study) it is top-level.
    const parentId = op.parent && this.resolveParent ? await this.resolveParent(op.parent, this.spool.dir) : undefined;
    const createTags = parentId ? [{ key: 'mlflow.parentRunId', value: parentId }, ...op.createTags] : op.createTags;
    const experiment = await this.client.ensureExperiment(op.experimentName);
    if (experiment.lifecycle_stage === 'deleted') {
      throw mlflowError(MlflowErrorCodes.MLFLOW_EXPERIMENT_DELETED, `MLflow experiment "${op.experimentName}" (id ${experiment.experiment_id}) is deleted; runs cannot be logged to it.`, {
        hint: `Restore it (\`mlflow experiments restore --experiment-id ${experiment.experiment_id}\`), or set \`experimentName\` to another name. Events stay spooled until then.`,
      });
    }
    state.experimentId = experiment.experiment_id;
    // The run of this aero run is top-level, or (a trial) the child of its study's run.
    const isParent = (r: MlflowRun) => r.data.tags.find((t) => t.key === 'mlflow.parentRunId')?.value === parentId;
    let existing: MlflowRun | undefined;
    if (op.resume) {
      const found = await this.client.searchRuns({ experimentIds: [experiment.experiment_id], filter: `attributes.run_name = ${filterString(op.runName)}`, orderBy: ['attributes.start_time DESC'], maxResults: 50 });
      existing = found.runs.find(isParent);
    } else if (this.needsLookup(op)) {
      const aeroRunId = op.createTags.find((t) => t.key === 'aero.run_id')?.value ?? op.scope.runId;
      const found = await this.client.searchRuns({ experimentIds: [experiment.experiment_id], filter: `tags.\`aero.run_id\` = ${filterString(aeroRunId)}`, maxResults: 50 });
      existing = found.runs.find(isParent);
    }
    if (existing) {
      if (existing.info.status !== 'RUNNING') await this.client.updateRun({ runId: existing.info.run_id, status: 'RUNNING' });
      if (op.resume) {
        state.resumed = true;
        await this.logTags(existing.info.run_id, createTags);
      }
      this.remember('', existing);
    } else {
      const run = await this.client.createRun({ experimentId: experiment.experiment_id, runName: op.runName, startTime: op.startTime, tags: createTags, userId: op.userId });
      this.remember('', run);
    }
    await this.spool.saveState();
  }

  private async ensureChildRun(op: Extract<SpoolOp, { t: 'action' }>): Promise<void> {
    const state = this.spool.state;
    const key = scopeKey(op.scope);
    if (state.runIds[key]) return;
    const parentId = state.runIds[''];
    if (!parentId || !state.experimentId) throw mlflowError(MlflowErrorCodes.MLFLOW_REQUEST_FAILED, 'the parent MLflow run was never created (its creation was refused earlier)');
    const tags = [{ key: 'mlflow.parentRunId', value: parentId }, ...op.createTags];
    let existing: MlflowRun | undefined;
    if (state.resumed || this.needsLookup(op)) {
      const found = await this.client.searchRuns({
        experimentIds: [state.experimentId],
        filter: `tags.\`mlflow.parentRunId\` = ${filterString(parentId)} and tags.\`aero.instance_id\` = ${filterString(op.scope.instanceId ?? '')}`,
        orderBy: ['attributes.start_time DESC'],
        maxResults: 10,
      });
      existing = found.runs[0];
    }
    if (existing) {
      if (existing.info.status !== 'RUNNING') await this.client.updateRun({ runId: existing.info.run_id, status: 'RUNNING' });
      await this.logTags(existing.info.run_id, tags);
      this.remember(key, existing);
    } else {
      const run = await this.client.createRun({ experimentId: state.experimentId, runName: op.runName, startTime: op.startTime, tags, userId: op.userId });
      this.remember(key, run);
    }
    await this.spool.saveState();
  }

  private artifactUri(runId: string): string | null {
    const uri = this.spool.state.artifactUris[runId];
    if (!uri || MlflowClient.proxyPath(uri) === null) {
      if (!this.warnedNotProxied) {
        this.warnedNotProxied = true;
        this.logger.warn(`mlflow: run ${runId} stores artifacts at ${uri ?? '(unknown)'}, which the server does not proxy; artifacts are recorded as tags only. Start the server with --serve-artifacts.`);
      }
      return null;
    }
    return uri;
  }

  private async uploadText(op: Extract<SpoolOp, { t: 'text' }>): Promise<void> {
    const runId = this.runIdFor(op);
    const uri = this.artifactUri(runId);
    if (!uri) return;
    await this.client.uploadArtifact(uri, op.path, op.content);
  }

  /**
   * A local file with the bytes of `file`: its local path if still there, else a copy
   * staged from the aero store (verified), else null.
   */
  private async bytesOf(file: SpooledFile, staged: string[]): Promise<string | null> {
    if (file.localPath && (await stat(file.localPath).then((s) => s.size === file.size, () => false))) return file.localPath;
    const store = this.getStore();
    if (!file.fromStore || !store || !(store.getFile || store.get)) return null;
    const dir = join(this.spool.dir, 'staging');
    const tmp = join(dir, `${file.sha256}.${process.pid}.${staged.length}`);
    staged.push(tmp);
    try {
      await mkdir(dir, { recursive: true });
      const key = blobKey(file.sha256);
      if (store.getFile) {
        if (!(await store.getFile(key, tmp))) return null;
      } else {
        const stream = await store.get!(key);
        if (!stream) return null;
        await pipeline(stream, createWriteStream(tmp));
      }
      if ((await sha256Of(tmp)) !== file.sha256) throw new Error(`store blob ${key} does not match its sha256`);
      return tmp;
    } catch (error) {
      this.logger.warn(`mlflow: cannot read ${file.path} from the aero store: ${(error as Error).message}`);
      return null;
    }
  }

  private async sendArtifact(op: Extract<SpoolOp, { t: 'artifact' }>): Promise<void> {
    const runId = this.runIdFor(op);
    let storage = op.storage;
    const uri = op.direction === 'output' ? this.artifactUri(runId) : null;
    if (op.direction === 'output' && uri) {
      const dir = artifactDir(op.ref);
      const staged: string[] = [];
      try {
        if (storage === 'upload') {
          const sources: string[] = [];
          for (const file of op.files) {
            const source = await this.bytesOf(file, staged);
            if (!source) {
              storage = 'reference';
              this.logger.warn(`mlflow: the bytes of ${op.ref.name}/${file.path} are not reachable from here any more; recording the artifact as a reference to the aero store.`);
              break;
            }
            sources.push(source);
          }
          if (storage === 'upload') {
            for (const [i, file] of op.files.entries()) await this.client.uploadArtifact(uri, `${dir}/${file.path}`, await openAsBlob(sources[i]!));
          }
        }
      } finally {
        for (const f of staged) await rm(f, { force: true });
      }
      await this.client.uploadArtifact(uri, `${dir}/${MANIFEST_NAME}`, `${JSON.stringify(artifactManifest(op, storage), null, 2)}\n`);
    } else if (op.direction === 'output' && storage === 'upload') {
      storage = 'reference';
    }
    const producerInstance = op.ref.producer && op.ref.producer.runId === op.scope.runId ? op.ref.producer.instanceId : op.producerInstance;
    const producer = producerInstance !== undefined ? this.spool.state.runIds[scopeKey({ runId: op.scope.runId, instanceId: producerInstance })] : undefined;
    await this.logTags(runId, artifactTags(op, storage, producer));
  }

  private async logTags(runId: string, tags: KeyValue[]): Promise<void> {
    for (let i = 0; i < tags.length; i += LOG_BATCH_LIMITS.tags) await this.client.logBatch({ runId, tags: tags.slice(i, i + LOG_BATCH_LIMITS.tags) });
  }
}

/** sha256 of a file, streamed. */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Drops repeated params (same key and value) and keeps only the last value of a repeated tag. */
function dedupe(items: Item[]): Item[] {
  const seenParams = new Set<string>();
  const lastTag = new Map<string, number>();
  items.forEach((item, i) => {
    if (item.kind === 'tags') lastTag.set(item.entry.key, i);
  });
  return items.filter((item, i) => {
    if (item.kind === 'params') {
      const id = `${item.entry.key}\u0000${item.entry.value}`;
      if (seenParams.has(id)) return false;
      seenParams.add(id);
      return true;
    }
    if (item.kind === 'tags') return lastTag.get(item.entry.key) === i;
    return true;
  });
}
