// Loads an aero artifact back from MLflow given a run id (serotiny's "load the model of
// run X"): finds the run (or the child run of that pipeline run) that recorded the output,
// downloads its files through the artifact proxy and checks every sha256. Outputs logged
// as a reference (too big, or a cache hit) come from the aero store when it is reachable,
// or from another MLflow run that uploaded the same digest.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { writeAtomic, type ManifestFile } from '@aeroml/core';
import { z } from 'zod';
import { filterString, MlflowClient, type MlflowRun } from './client/client.js';
import { artifactDir, blobKey, MANIFEST_NAME } from './artifacts.js';
import { mlflowError, MlflowErrorCodes } from './errors.js';
import { partitionSuffix, sanitizeKey } from './mapping.js';

export interface LoadArtifactOptions {
  /** MLflow run id: the pipeline's parent run or the action's child run. */
  runId: string;
  /** aero artifact name, `<action>.<output>` (e.g. `train.model`). */
  name: string;
  /** Partition key of the producing instance, for partitioned outputs. */
  partition?: Record<string, string | number> | undefined;
  /** Directory to write the artifact's files into (created). */
  destDir: string;
  /** Tracking server; default `MLFLOW_TRACKING_URI`, else http://127.0.0.1:5000. */
  trackingUri?: string | undefined;
  token?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** An aero store on this machine, for artifacts logged as references. */
  store?: { readonly localRoot?: string | undefined } | undefined;
  requestTimeoutMs?: number | undefined;
}

export interface LoadedArtifact {
  /** MLflow run that holds the artifact. */
  mlflowRunId: string;
  name: string;
  digest: string;
  handler: string;
  /** How the bytes were recorded: uploaded to MLflow, or a reference to the aero store. */
  storage: 'upload' | 'reference' | 'cached';
  /** Where the bytes came from this time. */
  source: 'mlflow' | 'store';
  files: ManifestFile[];
  /** Absolute paths of the files written, in manifest order. */
  paths: string[];
}

const manifestSchema = z.object({
  name: z.string(),
  digest: z.string(),
  handler: z.string().default('bytes'),
  storage: z.enum(['upload', 'reference', 'cached']),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number() })),
});

function tagOf(run: MlflowRun, key: string): string | undefined {
  return run.data.tags.find((t) => t.key === key)?.value;
}

/** Writes `source` to `target` atomically, checking its sha256: a mismatch is never published. */
async function writeVerified(source: Readable, target: string, expected: string, what: string): Promise<void> {
  async function* verified(): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    for await (const chunk of source) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
    const got = hash.digest('hex');
    if (got !== expected) {
      throw mlflowError(MlflowErrorCodes.MLFLOW_ARTIFACT_CORRUPT, `${what} has sha256 ${got}, but its manifest says ${expected}; it was not written.`, {
        hint: 'The copy in MLflow or the store was changed after it was logged; log the artifact again.',
      });
    }
  }
  // The helper creates the folder when missing and removes its temp file on any failure.
  await writeAtomic(target, verified());
}

function safeJoin(root: string, rel: string): string {
  const target = resolve(root, rel);
  if (target !== resolve(root) && !target.startsWith(resolve(root) + sep)) {
    throw mlflowError(MlflowErrorCodes.MLFLOW_ARTIFACT_CORRUPT, `Artifact file path ${rel} escapes the destination directory.`);
  }
  return target;
}

/** Downloads an aero artifact recorded by @aeroml/tracker-mlflow back to `destDir`. */
export async function loadArtifact(options: LoadArtifactOptions): Promise<LoadedArtifact> {
  const client = new MlflowClient({
    trackingUri: (options.trackingUri ?? process.env.MLFLOW_TRACKING_URI ?? 'http://127.0.0.1:5000').replace(/\/+$/, ''),
    token: options.token ?? process.env.MLFLOW_TRACKING_TOKEN,
    username: options.username ?? process.env.MLFLOW_TRACKING_USERNAME,
    password: options.password ?? process.env.MLFLOW_TRACKING_PASSWORD,
    timeoutMs: options.requestTimeoutMs,
  });
  const id = `${options.name}${partitionSuffix(options.partition)}`;
  const outputTag = sanitizeKey(`aero.output.${id}`);
  const storageTag = sanitizeKey(`aero.output_storage.${id}`);

  const run = await client.getRun(options.runId);
  if (!run) {
    throw mlflowError(MlflowErrorCodes.MLFLOW_RUN_NOT_FOUND, `MLflow run ${options.runId} does not exist on ${client.trackingUri}.`, {
      hint: 'Copy the run id from the MLflow UI (Run ID on the run page) or from the `aero.run_id` search.',
    });
  }
  let holder: MlflowRun | undefined = tagOf(run, outputTag) ? run : undefined;
  const available = new Set<string>();
  const collect = (r: MlflowRun) => r.data.tags.filter((t) => t.key.startsWith('aero.output.')).forEach((t) => available.add(t.key.slice('aero.output.'.length)));
  collect(run);
  if (!holder) {
    const children = await client.searchAllRuns({
      experimentIds: [run.info.experiment_id],
      filter: `tags.\`mlflow.parentRunId\` = ${filterString(run.info.run_id)}`,
      orderBy: ['attributes.start_time DESC'],
    });
    children.forEach(collect);
    holder = children.find((c) => tagOf(c, outputTag) !== undefined);
  }
  if (!holder) {
    const list = [...available].sort();
    throw mlflowError(MlflowErrorCodes.MLFLOW_ARTIFACT_NOT_FOUND, `MLflow run ${options.runId} (and its action runs) recorded no aero output \`${id}\`${list.length ? `; it has: ${list.join(', ')}` : ''}.`, {
      hint: 'Pass the artifact name as `<action>.<output>` (and `partition` for partitioned outputs).',
    });
  }
  const digest = tagOf(holder, outputTag)!;
  const storage = (tagOf(holder, storageTag) ?? 'upload') as LoadedArtifact['storage'];
  const dir = artifactDir({ name: options.name, partition: options.partition });

  const readManifest = async (r: MlflowRun) => {
    const uri = r.info.artifact_uri;
    if (!uri || MlflowClient.proxyPath(uri) === null) return null;
    const res = await client.downloadArtifact(uri, `${dir}/${MANIFEST_NAME}`);
    if (!res) return null;
    const parsed = manifestSchema.safeParse(JSON.parse(await res.text()));
    return parsed.success ? parsed.data : null;
  };
  const download = async (r: MlflowRun, files: ManifestFile[]) => {
    const paths: string[] = [];
    for (const f of files) {
      const res = await client.downloadArtifact(r.info.artifact_uri!, `${dir}/${f.path}`);
      if (!res || !res.body) throw mlflowError(MlflowErrorCodes.MLFLOW_ARTIFACT_NOT_FOUND, `MLflow run ${r.info.run_id} lists ${dir}/${f.path} but the server has no such file.`);
      const target = safeJoin(options.destDir, f.path);
      await writeVerified(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), target, f.sha256, `${dir}/${f.path} from MLflow`);
      paths.push(target);
    }
    return paths;
  };

  const manifest = await readManifest(holder);
  if (!manifest) {
    throw mlflowError(MlflowErrorCodes.MLFLOW_ARTIFACT_NOT_FOUND, `MLflow run ${holder.info.run_id} tags output \`${id}\` but has no ${dir}/${MANIFEST_NAME} (events may still be spooled, or the server does not proxy artifacts).`, {
      hint: 'Run `aero sync` on the machine that ran the pipeline, and make sure the server runs with --serve-artifacts.',
    });
  }
  const files: ManifestFile[] = manifest.files;
  const base = { mlflowRunId: holder.info.run_id, name: options.name, digest, handler: manifest.handler, storage, files };
  if (manifest.storage === 'upload') return { ...base, source: 'mlflow', paths: await download(holder, files) };

  // A reference: the aero store on this machine first, then any MLflow run that uploaded it.
  const root = options.store?.localRoot;
  if (root) {
    try {
      const paths: string[] = [];
      for (const f of files) {
        const target = safeJoin(options.destDir, f.path);
        await writeVerified(createReadStream(join(root, blobKey(f.sha256))), target, f.sha256, `${f.path} from the aero store`);
        paths.push(target);
      }
      return { ...base, source: 'store', paths };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  if (run.info.experiment_id) {
    const uploaded = await client.searchRuns({
      experimentIds: [holder.info.experiment_id],
      filter: `tags.\`${outputTag}\` = ${filterString(digest)} and tags.\`${storageTag}\` = 'upload'`,
      orderBy: ['attributes.start_time DESC'],
      maxResults: 5,
    });
    for (const other of uploaded.runs) {
      const m = await readManifest(other);
      if (m && m.storage === 'upload' && m.digest === digest) return { ...base, mlflowRunId: other.info.run_id, source: 'mlflow', paths: await download(other, m.files) };
    }
  }
  throw mlflowError(MlflowErrorCodes.MLFLOW_ARTIFACT_NOT_UPLOADED, `Output \`${id}\` of MLflow run ${holder.info.run_id} was logged as a reference to the aero store (${storage}), and its bytes are not reachable here.`, {
    hint: `Pass \`store\` (an aero store with localRoot) holding ${files.map((f) => blobKey(f.sha256)).join(', ')}, or raise \`uploadThresholdBytes\` so outputs are uploaded.`,
  });
}
