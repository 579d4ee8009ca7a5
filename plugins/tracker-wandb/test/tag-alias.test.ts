import { describe, expect, it } from 'vitest';
import type { TrackerContext } from '@aeroml/core';
import { wandbTracker } from '../src/index.js';
import { fastRetry, newTenant, serverState, workspace } from './helpers.js';
import { runPipeline } from './pipeline.js';

// `aero tag` mirrored as a W&B artifact alias, on the local W&B protocol server.
describe('tagArtifact (aero tag) on the W&B protocol server', () => {
  it('adds the tag as an alias of the version the producing run logged, and moves it with the tag', async () => {
    const tenant = await newTenant();
    const ws = await workspace();
    const logging = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry, flushIntervalMs: 20 });
    const run = await runPipeline(logging, ws);
    await logging.flush();
    await logging.close();
    const [fold0, fold1] = run.refs.models;

    // A later process (aero tag) with a tracker that logged nothing.
    const later = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry });
    const context = { store: { localRoot: ws.aeroDir }, logger: { debug() {}, info() {}, warn() {}, error() {} }, project: 'p', cwd: ws.root } as unknown as TrackerContext;
    await later.init!(context);
    await later.tagArtifact!(fold0!, 'best');
    const aliasesOf = async () => Object.fromEntries((await serverState(tenant)).artifacts.filter((a) => a.collection === 'train.model').map((a) => [a.metadata.aero!.digest, a.aliases]));
    expect((await aliasesOf())[fold0!.digest]).toContain('best');
    await later.tagArtifact!(fold1!, 'best');
    const moved = await aliasesOf();
    expect(moved[fold1!.digest]).toContain('best');
    expect(moved[fold0!.digest]).not.toContain('best');
    await later.close();
    await ws.cleanup();
  });

  it('a version no W&B run logged here is a TRACKER_FAILED error that says what to do', async () => {
    const tenant = await newTenant();
    const ws = await workspace();
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry });
    await tracker.init!({ store: { localRoot: ws.aeroDir }, logger: { debug() {}, info() {}, warn() {}, error() {} }, project: 'p', cwd: ws.root } as unknown as TrackerContext);
    const ref = { name: 'train.model', digest: 'a'.repeat(64), handler: 'json', files: [], manifestKey: 'artifacts/train.model/x.json', producer: { runId: 'r1', instanceId: 'train', cacheKey: 'k' } };
    await expect(tracker.tagArtifact!(ref, 'best')).rejects.toMatchObject({
      code: 'TRACKER_FAILED',
      message: `Run r1 has no W&B spool on this machine, so the W&B version of train.model@${'a'.repeat(12)} is not known here.`,
    });
    await tracker.close();
    await ws.cleanup();
  });
});
