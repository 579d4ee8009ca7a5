// Replays a spool against the W&B API, in order, acknowledging each op once the service
// accepted it. Every op is idempotent on the service side (upserts by run id, history by
// line offset, artifacts deduplicated by digest), so a retry after a lost response or a
// replay after a crash repeats nothing that matters.
import { openAsBlob } from 'node:fs';
import type { AeroError } from '@aeroml/core';
import { buildManifest, b64md5, manifestDigest } from './artifacts.js';
import { RequestFailure, type WandbClient } from './client.js';
import { wandbError, WandbErrorCodes } from './errors.js';
import { clientId, partitionAlias, sanitizeName } from './mapping.js';
import {
  COMMIT_ARTIFACT,
  CREATE_ARTIFACT,
  CREATE_ARTIFACT_FILES,
  CREATE_ARTIFACT_MANIFEST,
  UPSERT_BUCKET,
  USE_ARTIFACT,
  VIEWER,
  type CreateArtifactFilesResult,
  type CreateArtifactManifestResult,
  type CreateArtifactResult,
  type UpsertBucketResult,
  type ViewerResult,
} from './operations.js';
import type { Spool, SpoolOp } from './spool.js';

export interface SendOutcome {
  pushed: number;
  remaining: number;
  /** Set when the service stayed unreachable (network, 429, 5xx) through the retries. */
  unreachable?: RequestFailure | undefined;
  /** Set when the service refused the API key. */
  unauthorized?: RequestFailure | undefined;
  /** Set when the sender could not go on for another reason (no entity, unreadable file...). */
  fatal?: AeroError | undefined;
  /** Ops the service refused in this pass (kept in the spool, retried by `aero sync`). */
  rejected: { seq: number; message: string }[];
}

export interface SenderOptions {
  client: WandbClient;
  /** Entity from options or WANDB_ENTITY; otherwise the viewer's. */
  entity: string | undefined;
  maxLinesPerRequest: number;
}

const FILES_PER_REQUEST = 100;

export class Sender {
  private viewerEntity: string | undefined;

  constructor(private readonly options: SenderOptions) {}

  private async entityOf(): Promise<string> {
    const entity = this.options.entity ?? this.viewerEntity;
    if (entity) return entity;
    const result = await this.options.client.graphql<ViewerResult>('Viewer', VIEWER, {});
    const found = result.viewer?.entity ?? undefined;
    if (!found) {
      throw wandbError(WandbErrorCodes.WANDB_ENTITY_UNKNOWN, `W&B did not say which entity the API key belongs to, so the tracker does not know where to log.`, {
        hint: 'Set `entity` in wandbTracker({...}) or the WANDB_ENTITY environment variable.',
      });
    }
    this.viewerEntity = found;
    return found;
  }

  /**
   * Sends every pending op of `spool` it can; stops at the first outage or auth failure.
   * Ops the service already refused are retried only with `retryRejected` (`aero sync`),
   * so a live run does not resend a refused request on every flush.
   */
  async send(spool: Spool, { retryRejected }: { retryRejected: boolean }): Promise<SendOutcome> {
    const outcome: SendOutcome = { pushed: 0, remaining: 0, rejected: [] };
    const pending = spool.pending();
    const handled = new Set<number>(retryRejected ? [] : Object.keys(spool.state.rejected).map(Number));
    for (let i = 0; i < pending.length; i++) {
      const op = pending[i]!;
      if (handled.has(op.seq) || spool.isAcked(op.seq)) continue;
      try {
        const entity = await this.entityOf();
        const seqs = await this.sendOne(spool, op, entity, pending.slice(i + 1));
        for (const seq of seqs) handled.add(seq);
        outcome.pushed += seqs.length;
      } catch (error) {
        if (error instanceof RequestFailure) {
          if (error.kind === 'transient') {
            outcome.unreachable = error;
            break;
          }
          if (error.kind === 'auth') {
            outcome.unauthorized = error;
            break;
          }
          handled.add(op.seq);
          outcome.rejected.push({ seq: op.seq, message: error.message });
          spool.state.rejected[String(op.seq)] = { message: error.message, status: error.status, at: new Date().toISOString() };
          await spool.saveState();
          continue;
        }
        if ((error as AeroError)?.name === 'AeroError') {
          outcome.fatal = error as AeroError;
          break;
        }
        // Local problems with one op (an artifact file that vanished mid-read...): keep it, go on.
        const message = `${op.type} op ${op.seq}: ${(error as Error)?.message ?? String(error)}`;
        handled.add(op.seq);
        outcome.rejected.push({ seq: op.seq, message });
        spool.state.rejected[String(op.seq)] = { message, at: new Date().toISOString() };
        await spool.saveState();
      }
    }
    outcome.remaining = spool.pending().length;
    return outcome;
  }

  /** Sends one op (history ops coalesce with later history of the same run); returns the acked seqs. */
  private async sendOne(spool: Spool, op: SpoolOp, entity: string, later: SpoolOp[]): Promise<number[]> {
    const { client } = this.options;
    switch (op.type) {
      case 'upsert': {
        // Each upsert carries the run's whole state: send the latest one queued before the
        // run's next non-upsert op, and acknowledge the ones it supersedes.
        let latest = op;
        const superseded: number[] = [];
        for (const next of later) {
          if (next.run.name !== op.run.name || spool.isAcked(next.seq)) continue;
          if (next.type !== 'upsert') break;
          superseded.push(latest.seq);
          latest = next;
        }
        const f = latest.fields;
        await client.graphql<UpsertBucketResult>('UpsertBucket', UPSERT_BUCKET, {
          name: op.run.name,
          project: op.run.project,
          entity,
          groupName: f.groupName ?? null,
          displayName: f.displayName,
          notes: f.notes ?? null,
          commit: f.commit ?? null,
          config: JSON.stringify(f.config),
          host: f.host ?? null,
          jobType: f.jobType,
          tags: f.tags,
        });
        const seqs = [...superseded, latest.seq];
        await spool.ack(seqs);
        return seqs;
      }
      case 'history': {
        const batch: SpoolOp[] = [op];
        let lines = op.rows.length;
        for (const next of later) {
          if (next.run.name !== op.run.name) continue;
          if (next.type !== 'history' || spool.isAcked(next.seq)) break;
          if (lines + next.rows.length > this.options.maxLinesPerRequest) break;
          batch.push(next);
          lines += next.rows.length;
        }
        const content = batch.flatMap((b) => (b.type === 'history' ? b.rows.map((row) => JSON.stringify(row)) : []));
        const offset = spool.state.historyOffsets[op.run.name] ?? 0;
        await client.fileStream(entity, op.run.project, op.run.name, { files: { 'wandb-history.jsonl': { offset, content } } });
        const seqs = batch.map((b) => b.seq);
        await spool.ack(seqs, (state) => {
          state.historyOffsets[op.run.name] = offset + content.length;
        });
        return seqs;
      }
      case 'finish': {
        await client.fileStream(entity, op.run.project, op.run.name, {
          files: { 'wandb-summary.json': { offset: 0, content: [JSON.stringify(op.summary)] } },
          complete: true,
          exitcode: op.exitcode,
        });
        await spool.ack([op.seq]);
        return [op.seq];
      }
      case 'artifact': {
        const id = await this.sendArtifact(op, entity);
        await spool.ack([op.seq], (state) => {
          state.artifactIds[String(op.seq)] = id;
        });
        return [op.seq];
      }
    }
  }

  private async sendArtifact(op: Extract<SpoolOp, { type: 'artifact' }>, entity: string): Promise<string> {
    const { client } = this.options;
    const { ref } = op;
    const built = await buildManifest(op.files, op.storage);
    const digest = manifestDigest(built.manifest.contents);
    const collection = sanitizeName(ref.name);
    const alias = partitionAlias(ref.partition);
    const metadata = {
      ...(ref.metadata ?? {}),
      aero: {
        name: ref.name,
        digest: ref.digest,
        handler: ref.handler,
        manifestKey: ref.manifestKey,
        // JSON.stringify leaves out the undefined ones.
        partition: ref.partition,
        producer: ref.producer,
        files: op.files.map(({ path, sha256, size }) => ({ path, sha256, size })),
        ...(built.missing.length > 0 ? { notUploaded: built.missing } : {}),
      },
    };
    const seed = `${op.run.project}/${collection}/${digest}`;
    const created = await client.graphql<CreateArtifactResult>('CreateArtifact', CREATE_ARTIFACT, {
      entityName: entity,
      projectName: op.run.project,
      artifactTypeName: sanitizeName(ref.handler),
      artifactCollectionName: collection,
      // Outputs name their run (W&B shows it as the producer); inputs only point at a version.
      runName: op.direction === 'output' ? op.run.name : null,
      digest,
      description: null,
      aliases: alias ? [{ artifactCollectionName: collection, alias }] : null,
      metadata: JSON.stringify(metadata),
      clientID: clientId(`client/${seed}`),
      sequenceClientID: clientId(`sequence/${op.run.project}/${collection}`),
    });
    const artifact = created.createArtifact.artifact;
    if (artifact.state !== 'COMMITTED') {
      // A new version: manifest, file uploads, manifest upload, commit (as W&B's clients do).
      const manifestBytes = Buffer.from(JSON.stringify(built.manifest));
      const manifest = await client.graphql<CreateArtifactManifestResult>('CreateArtifactManifest', CREATE_ARTIFACT_MANIFEST, {
        artifactID: artifact.id,
        baseArtifactID: artifact.artifactSequence.latestArtifact?.id ?? null,
        name: 'wandb_manifest.json',
        digest: b64md5(manifestBytes),
        entityName: entity,
        projectName: op.run.project,
        runName: op.run.name,
        includeUpload: true,
      });
      const manifestInfo = manifest.createArtifactManifest.artifactManifest;
      for (let start = 0; start < built.uploads.length; start += FILES_PER_REQUEST) {
        const chunk = built.uploads.slice(start, start + FILES_PER_REQUEST);
        const files = await client.graphql<CreateArtifactFilesResult>('CreateArtifactFiles', CREATE_ARTIFACT_FILES, {
          input: {
            storageLayout: 'V2',
            artifactFiles: chunk.map((u) => ({ artifactID: artifact.id, name: u.name, md5: u.md5, artifactManifestID: manifestInfo.id })),
          },
        });
        const edges = files.createArtifactFiles.files.edges;
        if (edges.length !== chunk.length) throw new RequestFailure('rejected', 'CreateArtifactFiles', `CreateArtifactFiles: asked for ${chunk.length} upload URLs, got ${edges.length}`);
        for (let i = 0; i < chunk.length; i++) {
          const node = edges[i]!.node;
          const upload = chunk[i]!;
          // No URL: the service already holds these bytes.
          if (node.uploadUrl) await client.upload(`upload ${upload.name}`, node.uploadUrl, node.uploadHeaders, () => openAsBlob(upload.localPath));
        }
      }
      if (!manifestInfo.file.uploadUrl) throw new RequestFailure('rejected', 'CreateArtifactManifest', 'CreateArtifactManifest: the service gave no upload URL for wandb_manifest.json');
      await client.upload('upload wandb_manifest.json', manifestInfo.file.uploadUrl, manifestInfo.file.uploadHeaders ?? [], async () => new Blob([manifestBytes]));
      await client.graphql('CommitArtifact', COMMIT_ARTIFACT, { artifactID: artifact.id });
    }
    if (op.direction === 'input') {
      await client.graphql('UseArtifact', USE_ARTIFACT, {
        input: { entityName: entity, projectName: op.run.project, runName: op.run.name, artifactID: artifact.id },
      });
    }
    return artifact.id;
  }
}
