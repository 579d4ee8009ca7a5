// The real aero engine (createAero + run) with wandbTracker() as its one tracker plugin,
// against the protocol server: what `aero run` sends, a cached rerun, and `aero sync wandb`.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAero, defineConfig } from '@aeroml/core';
import { wandbTracker } from '../src/index.js';
import { localStore } from '@aeroml/store-local';
import { evaluate, ingest, json, train } from './engine-fixtures.js';
import { fastRetry, metricsOf, newTenant, runsOf, serverState, workspace, type TestTenant, type Workspace } from './helpers.js';

describe('aero engine with wandbTracker()', () => {
  let ws: Workspace;
  let tenant: TestTenant;
  beforeEach(async () => {
    ws = await workspace();
    tenant = await newTenant();
  });
  afterEach(async () => ws.cleanup());

  const open = (tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry })) =>
    createAero({ cwd: ws.root, config: defineConfig({ project: 'linear', actions: [ingest, train, evaluate], plugins: [localStore({ dir: ws.aeroDir }), json, tracker] }) });

  it('sends runs, per-epoch metrics and artifact lineage; a cached rerun links versions without uploading', async () => {
    const aero = await open();
    const first = await aero.run({ tags: { owner: 'ci' } });
    expect(first.status).toBe('succeeded');
    const second = await aero.run();
    expect(second.counts.cached).toBe(3);
    await aero.close();

    const state = await serverState(tenant);
    const runs = runsOf(state, first.runId);
    expect([...runs.keys()].sort()).toEqual(['', 'evaluate', 'ingest', 'train']);
    const t = runs.get('train')!;
    expect(t).toMatchObject({ project: 'linear', group: first.runId, jobType: 'train-model', complete: true, exitcode: 0 });
    expect(t.config).toMatchObject({ lr: 0.01, epochs: 40, _aero: { action: 'train', cached: false } });
    expect(metricsOf(t).map((m) => m.step)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(t.summary['aero/status']).toBe('ran');
    expect(runs.get('ingest')!.jobType).toBe('load-dataset');
    expect(runs.get('')!.tags).toContain('owner:ci');

    // Lineage: ingest -> ingest.dataset -> train, evaluate; train -> train.model -> evaluate.
    const byCollection = (name: string) => state.artifacts.filter((a) => a.collection === name);
    const dataset = byCollection('ingest.dataset');
    const model = byCollection('train.model');
    expect(dataset).toHaveLength(1);
    expect(model).toHaveLength(1);
    expect(dataset[0]!.createdBy).toBe(runs.get('ingest')!.name);
    expect(model[0]!.createdBy).toBe(t.name);
    const used = (run: string) => state.uses.filter((u) => u.run === run).map((u) => u.artifactId).sort();
    expect(used(t.name)).toEqual([dataset[0]!.id]);
    expect(used(runs.get('evaluate')!.name)).toEqual([dataset[0]!.id, model[0]!.id].sort());
    expect(dataset[0]!.files.every((f) => f.uploaded)).toBe(true);

    // The cached rerun: new W&B runs, same versions, nothing uploaded.
    const cachedRuns = runsOf(state, second.runId);
    expect(cachedRuns.get('train')!.summary['aero/status']).toBe('cached');
    expect(cachedRuns.get('train')!.config._aero).toMatchObject({ cached: true });
    expect(state.artifacts).toHaveLength(3);
    expect(model[0]!.loggedBy).toContain(cachedRuns.get('train')!.name);
    // Each file's bytes went up exactly once, during the first run.
    const fileUploads = state.requests.filter((r) => r.kind === 'storage' && r.slot === 'artifact-file');
    expect(fileUploads.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('an offline run is uploaded later by sync(), as `aero sync wandb` does', async () => {
    const aero = await open(wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, mode: 'offline' }));
    const summary = await aero.run();
    await aero.close();
    expect((await serverState(tenant)).requests).toEqual([]);
    const syncer = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry });
    expect((await syncer.sync!({ runsRoot: join(ws.aeroDir, 'runs') })).remaining).toBe(0);
    const runs = runsOf(await serverState(tenant), summary.runId);
    expect(runs.size).toBe(4);
    expect(metricsOf(runs.get('train')!)).toHaveLength(40);
  });
});
