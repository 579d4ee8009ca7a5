import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonFiniteStore } from './non-finite-fixture.js';
import { request, startUi, type RunningUi } from './serve.js';

// NaN and ±Infinity have no JSON number: the API sends `null` in `values` (as before, so
// readers of numbers keep working) and says in `nonFinite` which one each `null` is.

let ui: RunningUi;
let runs: Array<{ id: string; name: string; sweepId: string | null; metrics: Record<string, number | null> }>;

beforeAll(async () => {
  ui = await startUi(await nonFiniteStore('non-finite-api'));
  runs = JSON.parse((await request(`${ui.url}api/runs`)).text).runs;
});

afterAll(async () => {
  expect(await ui?.stop()).toBe(0);
});

const get = async (path: string) => JSON.parse((await request(`${ui.url}${path}`)).text);

describe('non-finite metric values in the API', () => {
  it('a series keeps NaN, +Infinity and -Infinity apart from each other and from finite points', async () => {
    const metrics = await get(`api/runs/${runs[0]!.id}/metrics`);
    expect(metrics.series.find((s: { name: string }) => s.name === 'nanm')).toEqual({
      instance: 'diverge',
      name: 'nanm',
      steps: [0, 1, 2, 3, 4],
      values: [null, 1, null, 2, null],
      nonFinite: { '0': 'NaN', '2': 'Infinity', '4': '-Infinity' },
      points: 5,
    });
    // The markers read back as the numbers they stand for, as metrics.jsonl's do.
    expect(Object.values(metrics.series.find((s: { name: string }) => s.name === 'nanm').nonFinite).map(Number)).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(metrics.series.find((s: { name: string }) => s.name === 'fine').nonFinite).toEqual({});
  });

  it('a sweep trial whose last value is -Infinity says so', async () => {
    const sweep = await get(`api/sweeps/${encodeURIComponent(runs[0]!.sweepId!)}`);
    expect(sweep.metricKeys).toEqual(['fine', 'nanm']);
    expect(sweep.trials.map((t: { metrics: unknown; nonFinite: unknown }) => ({ metrics: t.metrics, nonFinite: t.nonFinite }))).toEqual([
      { metrics: { nanm: null, fine: 1 }, nonFinite: { nanm: '-Infinity' } },
      { metrics: { nanm: null, fine: 2 }, nonFinite: { nanm: '-Infinity' } },
    ]);
  });
});
