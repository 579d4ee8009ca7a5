import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, type Tracker } from '../src/index.js';
import { jsonHandler, memoryStore } from './fixtures.js';

/** A real Tracker that keeps every params delivery it gets, in order. */
function recordingTracker() {
  const deliveries: Array<{ via: string; params: Record<string, unknown> }> = [];
  const tracker: Tracker = {
    kind: 'tracker',
    name: 'recording',
    version: '0.0.0',
    startRun: async (run) => void deliveries.push({ via: 'startRun', params: run.params }),
    startAction: async (action) => void deliveries.push({ via: `startAction ${action.instanceId}`, params: action.params }),
    logParams: async (scope, params) => void deliveries.push({ via: `logParams ${scope.instanceId}`, params }),
    logMetrics: async () => {},
    logArtifact: async () => {},
    setTags: async () => {},
    endAction: async () => {},
    endRun: async () => {},
    flush: async () => {},
    close: async () => {},
  };
  return { tracker, deliveries };
}

describe('params reach trackers', () => {
  it('once per instance, and the run gets the validated tree (defaults filled, values coerced)', async () => {
    const train = defineAction({
      name: 'train',
      params: z.object({ lr: z.coerce.number(), epochs: z.number().int().default(10) }),
      outputs: { model: { handler: 'json' } },
      async run({ params, outputs }) {
        await outputs.model.write(params);
      },
    });
    const { tracker, deliveries } = recordingTracker();
    const cwd = await mkdtemp(join(tmpdir(), 'aero-tracker-params-'));
    const aero = await createAero({
      cwd,
      config: defineConfig({ actions: [train], params: { train: { lr: '0.5' } }, plugins: [memoryStore(), jsonHandler(), tracker] }),
    });
    const summary = await aero.run();
    expect(summary.status).toBe('succeeded');
    expect(deliveries).toEqual([
      { via: 'startRun', params: { train: { lr: 0.5, epochs: 10 } } },
      { via: 'startAction train', params: { lr: 0.5, epochs: 10 } },
    ]);
  });
});
