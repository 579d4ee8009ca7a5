import { describe, expect, it } from 'vitest';
import { aero, copyQuickstart, statuses } from './helpers.js';

describe('sweeps without YAML (params from aero.config.ts take the same overrides)', () => {
  it('-m expands comma lists into one run per combination, grouped in ps; a rerun is fully cached', async () => {
    const dir = await copyQuickstart();
    const r = await aero(dir, 'run', '-m', 'train.epochs=5,10', 'split.seed=1,2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const headers = r.stdout.split('\n').filter((l) => l.startsWith('[sweep '));
    expect(headers).toEqual([
      '[sweep 1/4] train.epochs=5 split.seed=1',
      '[sweep 2/4] train.epochs=5 split.seed=2',
      '[sweep 3/4] train.epochs=10 split.seed=1',
      '[sweep 4/4] train.epochs=10 split.seed=2',
    ]);
    const ps = await aero(dir, 'ps', '--json');
    const runs = ps.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((x) => x.sweepId)).size).toBe(1);
    expect(runs.map((x) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    // Each trial is cached independently: running the sweep again runs nothing.
    const again = await aero(dir, 'run', '-m', 'train.epochs=5,10', 'split.seed=1,2');
    expect(again.stdout.match(/: 0 ran, 4 cached/g)).toHaveLength(4);
    const show = await aero(dir, 'show', runs[0].id);
    expect(show.stdout).toMatch(/overrides train\.epochs=\d+ split\.seed=\d/);
    // --from reruns exactly the recorded overrides.
    const from = await aero(dir, 'run', '--from', runs[0].id);
    expect(Object.values(statuses(from.stdout))).toEqual(['cached', 'cached', 'cached', 'cached']);
  });
});
