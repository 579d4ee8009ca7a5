import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, tune, type Launcher, type TuneEvent } from '../src/index.js';
import { GATE_MAX_HOLD_MS } from '../src/tune/submit-gate.js';
import { jsonHandler, memoryStore } from './fixtures.js';

const quad = defineAction({
  name: 'quad',
  params: z.object({ x: z.number().default(0) }),
  outputs: { result: { handler: 'json' } },
  async run({ params, log, outputs }) {
    log.metric('loss', (params.x - 1) ** 2);
    await outputs.result.write({ x: params.x });
  },
});

/**
 * A project whose trials open one after another, `staggerMs` apart (as if each took longer
 * to plan), with the real inline launcher behind a recorder of the submit calls it gets:
 * calls made in the same tick of the event loop share a tick number.
 */
async function project(staggerMs: number) {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-tune-gate-'));
  const config = defineConfig({ actions: [quad], plugins: [memoryStore(), jsonHandler()] });
  const submits: Array<{ tick: number; jobs: number }> = [];
  let tick = 0;
  let inTick = false;
  let opened = 0;
  const open = async (overrides: string[]) => {
    await new Promise((r) => setTimeout(r, staggerMs * opened++));
    const aero = await createAero({ cwd, config, overrides });
    const inline = aero.plugins.launchers.get('inline')!;
    const recording = Object.create(inline) as Launcher;
    recording.submit = (jobs, ctx) => {
      if (!inTick) {
        inTick = true;
        tick++;
        setImmediate(() => (inTick = false));
      }
      submits.push({ tick, jobs: jobs.length });
      return inline.submit(jobs, ctx);
    };
    aero.plugins.launchers.set('inline', recording);
    return aero;
  };
  const study = async (args: string[], parallel: number, name: string) => {
    const events: TuneEvent[] = [];
    opened = 0;
    const started = Date.now();
    await tune({ open, args, objectives: ['quad.loss'], directions: ['minimize'], trials: 4, sampler: 'grid', parallel, study: name, onEvent: (e) => events.push(e) });
    return { ms: Date.now() - started, trials: events.filter((e): e is Extract<TuneEvent, { event: 'tune.trial' }> => e.event === 'tune.trial') };
  };
  return { study, submits };
}

describe('aero tune -j N: trials started together reach the launcher together', () => {
  it('four trials that open 150 ms apart hand their jobs over in one tick (one Slurm array); -j 1 hands them over one by one', async () => {
    const p = await project(150);
    const { trials } = await p.study(['quad.x=choice(0, 1, 2, 3)'], 4, 'together');
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete', 'complete']);
    expect(trials.map((t) => [t.params['quad.x'], t.value]).sort()).toEqual([[0, 1], [1, 0], [2, 1], [3, 4]]);
    expect(p.submits).toHaveLength(4);
    expect(new Set(p.submits.map((s) => s.tick)).size).toBe(1);

    p.submits.length = 0;
    await p.study(['quad.x=choice(4, 5, 6, 7)'], 1, 'one-by-one');
    expect(new Set(p.submits.map((s) => s.tick)).size).toBe(4);
  }, 60_000);

  it('a trial the cache serves submits nothing and holds no one back', async () => {
    const p = await project(0);
    await p.study(['quad.x=choice(0, 1, 2, 3)'], 4, 'first');
    p.submits.length = 0;
    // Three of the four draws are cache hits; the fourth is submitted as soon as it arrives, not at the hold limit.
    const { ms, trials } = await p.study(['quad.x=choice(0, 1, 2, 9)'], 4, 'second');
    expect(trials.filter((t) => t.cached).map((t) => t.params['quad.x']).sort()).toEqual([0, 1, 2]);
    expect(p.submits).toEqual([{ tick: expect.any(Number), jobs: 1 }]);
    expect(ms).toBeLessThan(GATE_MAX_HOLD_MS);
  }, 60_000);
});
