// The tracker driven by aero's real engine (createAero → run), twice: the second run is a
// cache hit. Read back through the REST API.
import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, type AeroConfig } from '@aeroml/core';
import { textHandlers } from '@aeroml/handler-text';
import { localStore } from '@aeroml/store-local';
import { MlflowClient, mlflowTracker } from '../src/index.js';
import { useProject, rid } from './support/fixtures.js';
import { readAeroRun } from './support/readback.js';

const { trackingUri } = inject('mlflow');
const client = new MlflowClient({ trackingUri });

const ingest = defineAction({
  name: 'ingest',
  group: 'data',
  type: 'ingest',
  version: '1',
  outputs: { dataset: { handler: 'json' } },
  async run({ outputs, log }) {
    await outputs.dataset.write({ rows: [1, 2, 3] });
    log.metric('rows', 3, 0);
  },
});

const train = defineAction({
  name: 'train',
  group: 'model',
  type: 'train-model',
  version: '1',
  params: z.object({ lr: z.number().default(0.5), epochs: z.number().int().default(40) }),
  inputs: { dataset: ingest.output('dataset') },
  outputs: { model: { handler: 'json' } },
  async run({ params, inputs, outputs, log }) {
    const data = await inputs.dataset.read<{ rows: number[] }>();
    for (let epoch = 0; epoch < params.epochs; epoch++) log.metric('loss', params.lr / (epoch + 1), epoch);
    await outputs.model.write({ weights: data.rows.map((r) => r * params.lr) });
  },
});

describe('driven by the aero engine', () => {
  const project = useProject();
  const name = `aero-engine-${rid()}`;

  const runOnce = async () => {
    const config: AeroConfig = {
      project: name,
      actions: [ingest, train],
      params: { train: { lr: 0.5, epochs: 40 } },
      plugins: [localStore({ cwd: project.root }), textHandlers(), mlflowTracker({ trackingUri })],
    };
    const aero = await createAero({ cwd: project.root, config });
    try {
      return await aero.run({ concurrency: 1 });
    } finally {
      await aero.close();
    }
  };

  it('records the pipeline, its metrics, uploaded outputs and lineage; a cached rerun is tagged without re-uploading', async () => {
    const first = await runOnce();
    expect(first.status).toBe('succeeded');
    const tree = (await readAeroRun(client, name, first.runId))!;
    expect(tree.parent.tags['aero.status']).toBe('succeeded');
    expect(tree.parent.run.info.status).toBe('FINISHED');
    expect(tree.parent.params).toMatchObject({ 'train.lr': '0.5', 'train.epochs': '40' });
    const t = tree.children.train!;
    expect(t.tags).toMatchObject({ 'aero.group': 'model', 'aero.type': 'train-model', 'aero.cached': 'false', 'aero.status': 'ran' });
    expect(t.params).toMatchObject({ lr: '0.5', epochs: '40' });
    expect(t.metrics.filter((m) => m.key === 'loss').map((m) => m.step)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // The engine's input refs carry no producer: the tracker links them by digest to the output it saw.
    expect(t.tags['aero.input_mlflow_run.ingest.dataset']).toBe(tree.children.ingest!.run.info.run_id);
    expect(t.tags['aero.input_producer.ingest.dataset']).toBe(`${first.runId}/ingest`);
    expect(t.tags['aero.output_storage.train.model']).toBe('upload');
    const files = await client.listArtifacts(t.run.info.artifact_uri!, 'train.model');
    expect(files.map((f) => f.path).sort()).toEqual(['train.model/aero-artifact.json', 'train.model/model.json']);
    const model = await client.downloadArtifact(t.run.info.artifact_uri!, 'train.model/model.json');
    expect(JSON.parse(await model!.text())).toEqual({ weights: [0.5, 1, 1.5] });

    const second = await runOnce();
    expect(second.status).toBe('succeeded');
    const again = (await readAeroRun(client, name, second.runId))!;
    expect(again.parent.run.info.run_id).not.toBe(tree.parent.run.info.run_id);
    const cached = again.children.train!;
    expect(cached.tags).toMatchObject({ 'aero.cached': 'true', 'aero.status': 'cached', 'aero.output_storage.train.model': 'cached', 'aero.output.train.model': t.tags['aero.output.train.model'] });
    const cachedFiles = await client.listArtifacts(cached.run.info.artifact_uri!, 'train.model');
    expect(cachedFiles.map((f) => f.path)).toEqual(['train.model/aero-artifact.json']);
    expect(cached.run.info.status).toBe('FINISHED');
  });
});
