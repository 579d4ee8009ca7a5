// Artifact bytes that are not on this machine's disk (a remote store such as S3): the
// tracker gets the store from the engine's init() and uploads by reading through it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StoreKeys, type ArtifactRef, type Store } from '@aeroml/core';
import { localStore } from '@aeroml/store-local';
import { MlflowClient, mlflowTracker } from '../src/index.js';
import { actionInfo, captureLogger, makeProject, runInfo } from './support/fixtures.js';

const { trackingUri } = inject('mlflow');
const client = new MlflowClient({ trackingUri });

describe('artifact bytes from the engine store (init)', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  let elsewhere = '';
  beforeAll(async () => {
    project = await makeProject();
    elsewhere = await mkdtemp(join(tmpdir(), 'aero-mlflow-store-'));
  });
  afterAll(async () => {
    if (project) await rm(project.root, { recursive: true, force: true });
    if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
  });

  it('streams outputs from a store without localRoot (store.get), verifies them and cleans up the staging copy', async () => {
    const real = localStore({ dir: elsewhere });
    // Only the remote-store surface: no localRoot, no getFile.
    const remote: Store = { kind: 'store', name: 'remote', version: '0', has: (k) => real.has(k), get: (k) => real.get(k), getBytes: (k) => real.getBytes(k), put: (k, b, o) => real.put(k, b, o), list: (p) => real.list(p), delete: (k) => real.delete(k) };
    const bytes = Buffer.from('weights '.repeat(1000));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await remote.put(StoreKeys.blob(sha256), bytes);
    const ref: ArtifactRef = { name: 'train.model', digest: 'd'.repeat(64), handler: 'bytes', files: [{ path: 'model.bin', sha256, size: bytes.length }], manifestKey: `artifacts/train.model/${'d'.repeat(64)}.json` };

    const logger = captureLogger();
    const t = mlflowTracker({ trackingUri });
    await t.init!({ store: remote, logger, project: 'p', cwd: project.root });
    const run = runInfo(project.runsRoot, { params: { note: 'x'.repeat(6100) } });
    await t.startRun(run);
    await t.startAction(actionInfo(run, 'train'));
    await t.logArtifact({ runId: run.runId, instanceId: 'train' }, ref, 'output');
    await t.flush();
    const childId = t.mlflowRunId({ runId: run.runId, instanceId: 'train' })!;
    await t.close();

    const child = await client.getRun(childId);
    const tags = Object.fromEntries(child!.data.tags.map((x) => [x.key, x.value]));
    expect(tags['aero.output_storage.train.model']).toBe('upload');
    const res = await client.downloadArtifact(child!.info.artifact_uri!, 'train.model/model.bin');
    expect(Buffer.from(await res!.arrayBuffer()).equals(bytes)).toBe(true);
    const staging = join(run.runDir, 'mlflow', 'staging');
    expect(existsSync(staging) ? await readdir(staging) : []).toEqual([]);
    // Warnings go to the engine's logger from init().
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('param `note` is 6100 characters'))).toBe(true);
  });
});
