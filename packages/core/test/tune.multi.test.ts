import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, tune, type AeroError, type TuneEvent } from '../src/index.js';
import { jsonHandler, memoryStore } from './fixtures.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

function optunaPython(): string {
  const envFile = join(REPO, '.tools/optuna.env');
  if (!existsSync(envFile)) execFileSync('bash', [join(REPO, 'tools/optuna/start.sh')], { stdio: 'ignore' });
  return readFileSync(envFile, 'utf8').split('\n').find((l) => l.startsWith('AERO_OPTUNA_PYTHON='))!.slice('AERO_OPTUNA_PYTHON='.length);
}

/** Two objectives that pull apart: loss falls with x, latency grows with it (a Pareto front along x). */
const model = defineAction({
  name: 'model',
  params: z.object({ x: z.number().default(0), steps: z.number().int().default(1) }),
  outputs: { result: { handler: 'json' } },
  async run({ params, log, outputs, signal }) {
    for (let step = 0; step < params.steps; step++) {
      log.metric('loss', (1 - params.x) ** 2 + 1 / (step + 1), step);
      await new Promise((r) => setTimeout(r, 20));
      if (signal.aborted) throw signal.reason;
    }
    log.metric('loss', (1 - params.x) ** 2, params.steps);
    log.metric('latency', params.x * 10);
    await outputs.result.write({});
  },
});

async function project() {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-tune-multi-'));
  const config = defineConfig({ actions: [model], plugins: [memoryStore(), jsonHandler()] });
  return { open: (overrides: string[]) => createAero({ cwd, config, overrides }) };
}

async function thrown(promise: Promise<unknown>): Promise<AeroError> {
  try {
    await promise;
  } catch (error) {
    return error as AeroError;
  }
  throw new Error('expected an error');
}

const dominated = (a: number[], b: number[]) => b[0]! <= a[0]! && b[1]! <= a[1]! && (b[0]! < a[0]! || b[1]! < a[1]!);

describe('aero tune with two objectives', () => {
  let python: string;
  beforeAll(() => {
    python = optunaPython();
  }, 300_000);

  for (const sampler of ['random', 'tpe'] as const) {
    it(`${sampler}: each trial gets both values; the result is the Pareto front`, async () => {
      const p = await project();
      const events: TuneEvent[] = [];
      const summary = await tune({ open: p.open, args: ['model.x=interval(0, 1)'], objectives: ['model.loss', 'model.latency'], directions: ['minimize', 'minimize'], trials: 6, sampler, seed: 2, python, onEvent: (e) => events.push(e) });
      const trials = events.filter((e): e is Extract<TuneEvent, { event: 'tune.trial' }> => e.event === 'tune.trial');
      expect(trials).toHaveLength(6);
      for (const t of trials) {
        const x = t.params['model.x'] as number;
        expect(t.values![0]).toBeCloseTo((1 - x) ** 2, 10);
        expect(t.values![1]).toBeCloseTo(x * 10, 10);
      }
      expect(summary.best).toBeNull();
      const finished = events.at(-1) as Extract<TuneEvent, { event: 'tune.finished' }>;
      // Every trial is on the front here (the objectives trade off along x), and no front member is dominated.
      expect(finished.pareto!.map((b) => b.number).sort()).toEqual(trials.map((t) => t.number).sort());
      for (const b of finished.pareto!) expect(trials.some((t) => dominated(b.values!, t.values!))).toBe(false);
    }, 60_000);
  }

  it('refuses cmaes and a pruner with two objectives, before anything runs', async () => {
    const p = await project();
    const base = { open: p.open, args: ['model.x=interval(0, 1)'], objectives: ['model.loss', 'model.latency'], directions: ['minimize', 'minimize'], trials: 2, python };
    const cmaes = await thrown(tune({ ...base, sampler: 'cmaes' }));
    expect(cmaes.code).toBe('TUNE_SAMPLER_UNSUITABLE');
    expect(cmaes.message).toBe('The cmaes sampler optimises one objective; 2 were given.');
    const pruner = await thrown(tune({ ...base, sampler: 'tpe', pruner: 'median' }));
    expect(pruner.code).toBe('TUNE_OPTIONS_INVALID');
    expect(pruner.message).toBe('--pruner median works with one objective (Optuna cannot prune multi-objective trials); 2 were given.');
  });

  it('asha (successive halving) prunes through Optuna; pruned trials are recorded as such', async () => {
    const p = await project();
    const summary = await tune({ open: p.open, args: ['model.x=range(0, 1, 0.1)', 'model.steps=9'], objectives: ['model.loss'], directions: ['minimize'], trials: 10, sampler: 'grid', pruner: 'asha', seed: 0, python });
    const states = summary.record.trials.map((t) => t.state);
    expect(states.every((s) => s === 'complete' || s === 'pruned')).toBe(true);
    expect(states.filter((s) => s === 'pruned').length).toBeGreaterThan(0);
    expect(summary.counts.pruned).toBe(states.filter((s) => s === 'pruned').length);
  }, 120_000);
});
