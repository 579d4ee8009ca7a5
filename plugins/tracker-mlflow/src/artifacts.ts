// Where an artifact's bytes are and how it shows up in MLflow.
// Outputs are uploaded through the server's artifact proxy under `<name>[/<k>=<v>...]/`,
// with an `aero-artifact.json` manifest next to them; outputs above the size threshold (or
// whose bytes are not on this machine) are recorded as a reference to the aero store; cached
// outputs and inputs are recorded as tags only (lineage), never re-uploaded.
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactRef, ManifestFile } from '@aeroml/core';
import type { KeyValue } from './client/client.js';
import { partitionSuffix, sanitizeKey } from './mapping.js';
import type { NewOp, OpScope, SpooledFile } from './ops.js';
import type { ResolveFile, StoreLike } from './options.js';

export const MANIFEST_NAME = 'aero-artifact.json';

/** Store key of a content-addressed blob (the layout core builds on every store). */
export function blobKey(sha256: string): string {
  return `objects/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** The aero store root used when no store/resolveFile is configured: `<runDir>/../..` (`.aero`). */
export function defaultStoreRoot(runDir: string): string {
  return dirname(dirname(runDir));
}

export interface ArtifactContext {
  resolveFile?: ResolveFile | undefined;
  storeRoot?: string | undefined;
  /** A store that can read blobs that are not on this machine (S3): uploaded by streaming from it. */
  remoteStore?: StoreLike | undefined;
  storeUri?: string | undefined;
  uploadThresholdBytes: number;
}

async function isFileOfSize(path: string, size: number): Promise<boolean> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size === size;
  } catch {
    return false;
  }
}

/** The local file holding `file`, if any: `resolveFile` first, then the store's blob layout. */
export async function localFileFor(ref: ArtifactRef, file: ManifestFile, ctx: ArtifactContext): Promise<string | undefined> {
  if (ctx.resolveFile) {
    const found = await ctx.resolveFile(ref, file);
    if (found && (await isFileOfSize(found, file.size))) return found;
  }
  if (ctx.storeRoot && /^[0-9a-f]{64}$/.test(file.sha256)) {
    const path = join(ctx.storeRoot, blobKey(file.sha256));
    if (await isFileOfSize(path, file.size)) return path;
  }
  return undefined;
}

export function storeBaseUri(ctx: ArtifactContext): string {
  if (ctx.storeUri) return ctx.storeUri.replace(/\/+$/, '');
  if (ctx.storeRoot) return pathToFileURL(ctx.storeRoot).href.replace(/\/+$/, '');
  return 'aero-store:';
}

/** Builds the spool op for `logArtifact`: decides upload vs reference now, uploads at send time. */
export async function planArtifact(scope: OpScope, ref: ArtifactRef, direction: 'input' | 'output', cached: boolean, ctx: ArtifactContext): Promise<NewOp> {
  const base = storeBaseUri(ctx);
  const files: SpooledFile[] = [];
  let total = 0;
  let allReadable = true;
  const canStream = Boolean(ctx.remoteStore && (ctx.remoteStore.getFile || ctx.remoteStore.get));
  for (const f of ref.files) {
    total += f.size;
    const wantBytes = direction === 'output' && !cached;
    const localPath = wantBytes ? await localFileFor(ref, f, ctx) : undefined;
    const fromStore = wantBytes && !localPath && canStream && /^[0-9a-f]{64}$/.test(f.sha256);
    if (wantBytes && !localPath && !fromStore) allReadable = false;
    files.push({ path: f.path, sha256: f.sha256, size: f.size, localPath, fromStore: fromStore || undefined, storeUri: `${base}/${blobKey(f.sha256)}` });
  }
  const storage = direction === 'input' ? 'reference' : cached ? 'cached' : total <= ctx.uploadThresholdBytes && allReadable ? 'upload' : 'reference';
  const { files: _files, ...rest } = ref;
  void _files;
  return { t: 'artifact', scope, direction, storage, ref: rest, files, manifestUri: `${base}/${ref.manifestKey}` };
}

/** Artifact folder inside the MLflow run: `train.model`, `sim.map/split=test/sim=3`. */
export function artifactDir(ref: { name: string; partition?: Record<string, string | number> | undefined }): string {
  const parts = Object.entries(ref.partition ?? {}).map(([k, v]) => `${k}=${v}`.replace(/[/\\]/g, '_'));
  return [ref.name.replace(/[/\\]/g, '_'), ...parts].join('/');
}

/** Tags recording an artifact on its run (lineage). */
export function artifactTags(
  op: Extract<NewOp, { t: 'artifact' }>,
  storage: 'upload' | 'reference' | 'cached',
  producerMlflowRunId: string | undefined,
): KeyValue[] {
  const id = `${op.ref.name}${partitionSuffix(op.ref.partition)}`;
  const tags: KeyValue[] = [];
  if (op.direction === 'output') {
    tags.push({ key: sanitizeKey(`aero.output.${id}`), value: op.ref.digest });
    tags.push({ key: sanitizeKey(`aero.output_storage.${id}`), value: storage });
    tags.push({ key: sanitizeKey(`aero.output_uri.${id}`), value: storage === 'upload' ? artifactDir(op.ref) : (op.manifestUri ?? '') });
  } else {
    tags.push({ key: sanitizeKey(`aero.input.${id}`), value: op.ref.digest });
    const producer = op.ref.producer ? `${op.ref.producer.runId}/${op.ref.producer.instanceId}` : op.producerInstance ? `${op.scope.runId}/${op.producerInstance}` : undefined;
    if (producer) tags.push({ key: sanitizeKey(`aero.input_producer.${id}`), value: producer });
    if (producerMlflowRunId) tags.push({ key: sanitizeKey(`aero.input_mlflow_run.${id}`), value: producerMlflowRunId });
  }
  return tags;
}

/** The `aero-artifact.json` written next to an output (also for references). */
export function artifactManifest(op: Extract<NewOp, { t: 'artifact' }>, storage: 'upload' | 'reference' | 'cached'): Record<string, unknown> {
  return {
    schema: 1,
    name: op.ref.name,
    digest: op.ref.digest,
    handler: op.ref.handler,
    storage,
    manifestKey: op.ref.manifestKey,
    manifestUri: op.manifestUri,
    partition: op.ref.partition,
    producer: op.ref.producer,
    metadata: op.ref.metadata,
    files: op.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size, ...(storage === 'upload' ? {} : { storeUri: f.storeUri }) })),
  };
}
