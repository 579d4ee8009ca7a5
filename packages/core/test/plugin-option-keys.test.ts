import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, type Tracker } from '../src/index.js';
import { jsonHandler, memoryStore } from './fixtures.js';

/** A tracker plugin that does nothing, under the name the MLflow tracker uses. */
function quietTracker(name: string): Tracker {
  const done = async () => {};
  return { kind: 'tracker', name, version: '1.0.0', packageName: '@acme/aero-tracker', startRun: done, startAction: done, logParams: done, logMetrics: done, logArtifact: done, setTags: done, endAction: done, endRun: done, flush: done, close: done };
}

const train = defineAction({ name: 'train', params: z.object({ lr: z.number().default(0.1) }), run() {} });

describe('plugin options given as params', () => {
  it('`++mlflow.experiment_name=x` is refused, naming the tracker and where its options go, before anything runs', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-plugin-keys-'));
    const config = defineConfig({ actions: [train], plugins: [memoryStore(), jsonHandler(), quietTracker('mlflow')] });
    const aero = await createAero({ cwd, config, overrides: ['++mlflow.experiment_name=nightly'] });
    const error = await aero.run({ dryRun: true }).then(() => undefined, (e: unknown) => e as { code: string; message: string; hint: string });
    expect(error).toMatchObject({
      code: 'CONFIG_PLUGIN_OPTION',
      message: '`mlflow.experiment_name` (set on the command line) is not a param: `mlflow` is the tracker (@acme/aero-tracker), and plugin options are not read from params, so it would change nothing.',
      hint: 'Set it where the tracker is created in aero.config.ts (`plugins: [...]`), or with an environment variable its README lists; then drop `mlflow.experiment_name`.',
    });
  });

  it('a key an action reads is a param, whatever plugin shares its name', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-plugin-keys-'));
    const mlflow = defineAction({ name: 'mlflow', params: z.object({ experiment_name: z.string() }), run() {} });
    const aero = await createAero({ cwd, config: defineConfig({ actions: [mlflow], plugins: [memoryStore(), jsonHandler(), quietTracker('mlflow')] }), overrides: ['++mlflow.experiment_name=nightly'] });
    expect((await aero.run({ dryRun: true })).status).toBe('succeeded');
  });
});
