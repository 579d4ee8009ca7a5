import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineAction, defineConfig, reduceMetric } from '../src/index.js';
import { dirStore } from './dir-store.js';
import { jsonHandler } from './fixtures.js';

describe("a metric's last value in the run record", () => {
  it('is the value at its highest step, as tune reads `last`, whatever the order the points were logged in', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-metric-last-'));
    const logged = [[1, 1_000_000], [2, -5], [3, 7], [4, 3]] as const;
    const action = defineAction({
      name: 'a',
      version: '1',
      outputs: { out: { handler: 'json' } },
      async run({ log, outputs }) {
        for (const [value, step] of logged) log.metric('odd', value, step);
        log.metric('plain', 1);
        log.metric('plain', 2);
        await outputs.out.write(0);
      },
    });
    const aero = await createAero({ cwd, config: defineConfig({ actions: [action], plugins: [dirStore(join(cwd, '.aero')), jsonHandler()] }) });
    const summary = await aero.run();
    await aero.close();
    const metrics = (summary.record.actions[0] as { metrics?: Record<string, number> }).metrics;
    expect(metrics).toEqual({ odd: 1, plain: 2 });
    const points = logged.map(([value, step]) => ({ name: 'odd', value, step, timestamp: 0 }));
    expect(reduceMetric(points, { action: 'a', metric: 'odd', reducer: 'last', direction: 'minimize', text: 'a.odd' })).toBe(metrics!.odd);
  });
});
