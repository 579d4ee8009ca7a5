// The real aero engine (createAero + run) with wandbTracker() as its one tracker plugin,
// against the protocol server: what `aero run` sends, a cached rerun, and `aero sync wandb`.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAero, defineAction, defineConfig, type AssetHandler, type Store } from '@aero/core';
import { z } from 'zod';
import { wandbTracker } from '../src/index.js';
import { fastRetry, metricsOf, newTenant, runsOf, serverState, workspace, type TestTenant, type Workspace } from './helpers.js';

/** A directory store with the local layout (key = path under `.aero`), for the engine to write real blobs. */
function directoryStore(root: string): Store {
  const path = (key: string) => join(root, key);
  const bytes = async (body: Uint8Array | string | Readable) => {
    if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  };
  const exists = (key: string) => readFile(path(key)).then(() => true, () => false);
  return {
    kind: 'store',
    name: 'directory',
    version: '1.0.0',
    localRoot: root,
    has: exists,
    get: async (key) => ((await exists(key)) ? createReadStream(path(key)) : null),
    getBytes: async (key) => readFile(path(key)).catch(() => null),
    async put(key, body, options) {
      if (options?.ifAbsent && (await exists(key))) return { written: false };
      await mkdir(dirname(path(key)), { recursive: true });
      await writeFile(path(key), await bytes(body));
      return { written: true };
    },
    async *list(prefix) {
      const walk = async (dir: string, rel: string): Promise<string[]> => {
        const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
        const out: string[] = [];
        for (const e of entries) out.push(...(e.isDirectory() ? await walk(join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]));
        return out;
      };
      for (const key of await walk(root, '')) if (key.startsWith(prefix)) yield key;
    },
    delete: async (key) => rm(path(key), { force: true }),
  };
}

const json: AssetHandler = {
  kind: 'handler',
  name: 'json',
  version: '1.0.0',
  extensions: ['json'],
  read: async (path) => JSON.parse(await readFile(path, 'utf8')),
  write: async (path, value) => writeFile(path, JSON.stringify(value)),
};

const ingest = defineAction({
  name: 'ingest',
  group: 'data',
  type: 'load-dataset',
  params: z.object({ rows: z.number().int().default(20) }),
  outputs: { dataset: { handler: 'json' } },
  async run({ params, outputs }) {
    await outputs.dataset.write(Array.from({ length: params.rows }, (_, i) => ({ x: i, y: 2 * i + 1 })));
  },
});

const train = defineAction({
  name: 'train',
  group: 'model',
  type: 'train-model',
  params: z.object({ lr: z.number().default(0.01), epochs: z.number().int().default(40) }),
  inputs: { dataset: ingest.output('dataset') },
  outputs: { model: { handler: 'json' } },
  async run({ params, inputs, outputs, log }) {
    const rows = await inputs.dataset.read<{ x: number; y: number }[]>();
    let w = 0;
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      let loss = 0;
      for (const r of rows) {
        const err = w * r.x - r.y;
        loss += err * err;
        w -= (params.lr * err * r.x) / rows.length;
      }
      log.metric('loss', loss / rows.length, epoch);
    }
    await outputs.model.write({ w });
  },
});

const evaluate = defineAction({
  name: 'evaluate',
  type: 'evaluate',
  inputs: { model: train.output('model'), dataset: ingest.output('dataset') },
  outputs: { report: { handler: 'json' } },
  async run({ inputs, outputs, log }) {
    const { w } = await inputs.model.read<{ w: number }>();
    const rows = await inputs.dataset.read<{ x: number; y: number }[]>();
    const mae = rows.reduce((s, r) => s + Math.abs(w * r.x - r.y), 0) / rows.length;
    log.metric('mae', mae, 0);
    await outputs.report.write({ mae });
  },
});

describe('aero engine with wandbTracker()', () => {
  let ws: Workspace;
  let tenant: TestTenant;
  beforeEach(async () => {
    ws = await workspace();
    tenant = await newTenant();
  });
  afterEach(async () => ws.cleanup());

  const open = (tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry })) =>
    createAero({ cwd: ws.root, config: defineConfig({ project: 'linear', actions: [ingest, train, evaluate], plugins: [directoryStore(ws.aeroDir), json, tracker] }) });

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
