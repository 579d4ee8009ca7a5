import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { copyProject, runAero, type AeroCliResult } from '@aeroml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAero } from '@aeroml/core';
import { embeddedDefaults } from '@aeroml/cli';

const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const CLI = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const PYTHON = '/usr/bin/python3';
const SLOW = 300_000;

const aero = (cwd: string, ...args: string[]): Promise<AeroCliResult> => runAero(CLI, cwd, args);

/** `✓ ran         simulate[split=test,sim=3] (0.1s)` → { 'simulate[split=test,sim=3]': 'ran' } */
function statuses(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^[✓●✗!→-] (ran|cached|failed|skipped|interrupted|would run)\s+(\S+)/.exec(line);
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

/** Instance ids with the given status, grouped by action: { simulate: 100, ... } */
function countBy(all: Record<string, string>, status: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, s] of Object.entries(all)) if (s === status) out[id.split('[')[0]!] = (out[id.split('[')[0]!] ?? 0) + 1;
  return out;
}

/** Writes sims.json with these counts and runs; the run must succeed quietly. `ran` is the sorted ids that ran. */
async function runWithCounts(dir: string, counts: Record<string, number>) {
  await writeFile(join(dir, 'sims.json'), JSON.stringify(counts));
  const r = await aero(dir, 'run');
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  const all = statuses(r.stdout);
  return { r, all, ran: Object.keys(all).filter((id) => all[id] === 'ran').sort() };
}

const ids = (action: string, split: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${action}[split=${split},sim=${from + i}]`);

/** A fresh copy of the example inside the repo, so `@aeroml/*` and `zod` resolve from its node_modules. */
function copyExample(): Promise<string> {
  return copyProject(EXAMPLE, join(EXAMPLE, '.test-work'), 'e2e', ['aero.config.ts', 'sims.json', 'src', 'package.json']);
}

interface Manifest {
  name: string;
  partition?: Record<string, string | number>;
  files: { path: string; sha256: string }[];
}

/** The manifests of one artifact name (digest → manifest), read through aero as the CLI opens the project. */
async function manifests(dir: string, name: string): Promise<Map<string, Manifest>> {
  const aero = await createAero({ cwd: dir, defaults: await embeddedDefaults(dir) });
  try {
    return (await aero.artifacts.versions(name)) as Map<string, Manifest>;
  } finally {
    await aero.close();
  }
}

/** Store path of the file an instance wrote for `name` (e.g. `simulate.map`). */
async function blobOf(dir: string, name: string, partition: Record<string, string | number>): Promise<{ path: string; file: string }> {
  const same = (a: Record<string, unknown> | undefined) => a !== undefined && Object.keys(a).length === Object.keys(partition).length && Object.entries(partition).every(([k, v]) => a[k] === v);
  const found = [...(await manifests(dir, name)).values()].filter((m) => same(m.partition));
  expect(found, `${name} ${JSON.stringify(partition)}`).toHaveLength(1);
  const file = found[0]!.files[0]!;
  return { path: join(dir, '.aero/objects/sha256', file.sha256.slice(0, 2), file.sha256), file: file.path };
}

interface ShownRun {
  status: string;
  counts: Record<string, number>;
  actions: { id: string; status: string; metrics?: Record<string, number> }[];
}

async function latestRun(dir: string): Promise<ShownRun> {
  const r = await aero(dir, 'show', 'latest', '--json');
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as ShownRun;
}

/** Folder of the newest run (by its record's start time: ids only resolve to the second). */
async function runDir(dir: string): Promise<string> {
  const ids = await readdir(join(dir, '.aero/runs'));
  const started = await Promise.all(ids.map(async (id) => [id, JSON.parse(await readFile(join(dir, '.aero/runs', id, 'run.json'), 'utf8')).startedAt as string] as const));
  started.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return join(dir, '.aero/runs', started.at(-1)![0]);
}

describe('examples/cmb-sims through the aero CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
  });

  it('first run: 100 simulations, every instance runs, and the model beats the baseline', { timeout: SLOW }, async () => {
    const r = await aero(dir, 'run');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const all = statuses(r.stdout);
    expect(Object.keys(all)).toHaveLength(223);
    expect(countBy(all, 'ran')).toEqual({ simulate: 100, preprocess: 100, train: 1, predict: 20, evaluate: 2 });
    expect(r.stdout).toMatch(/succeeded in .*: 223 ran, 0 cached, 0 failed/);
    expect(all['simulate[split=train,sim=79]']).toBe('ran');
    expect(all['simulate[split=train,sim=80]']).toBeUndefined();

    const run = await latestRun(dir);
    expect(run.status).toBe('succeeded');
    for (const split of ['valid', 'test']) {
      const metrics = run.actions.find((a) => a.id === `evaluate[split=${split}]`)!.metrics!;
      // The train-mean baseline is ~0.58 (a uniform prior of width 2); the ridge model must do far better.
      expect(metrics['rmse']!).toBeLessThan(0.3 * metrics['baseline_rmse']!);
      expect(metrics['r2']!).toBeGreaterThan(0.8);
      const file = await blobOf(dir, 'evaluate.metrics', { split });
      expect(file.file).toBe(`${split}/metrics.json`);
      expect(JSON.parse(await readFile(file.path, 'utf8'))).toMatchObject({ split, count: 10, rmse: metrics['rmse'] });
    }
    // Conjugate-gradient loss per step reaches the tracker and goes down.
    const points = (await readFile(join(await runDir(dir), 'train/metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { name: string; value: number });
    const loss = points.filter((p) => p.name === 'loss').map((p) => p.value);
    expect(loss.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < loss.length; i++) expect(loss[i]!).toBeLessThanOrEqual(loss[i - 1]! * (1 + 1e-9));
    expect(loss.at(-1)!).toBeLessThan(0.1 * loss[0]!);
  });

  it('second run: everything cached', { timeout: SLOW }, async () => {
    const r = await aero(dir, 'run');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const all = statuses(r.stdout);
    expect(countBy(all, 'cached')).toEqual({ simulate: 100, preprocess: 100, train: 1, predict: 20, evaluate: 2 });
    expect(r.stdout).toMatch(/succeeded in .*: 0 ran, 223 cached, 0 failed/);
  });

  it('astropy reads a simulated map and numpy a spectrum, which numpy recomputes from the map', { timeout: SLOW }, async () => {
    const partition = { split: 'test', sim: 3 };
    const map = await blobOf(dir, 'simulate.map', partition);
    const spectrum = await blobOf(dir, 'preprocess.spectrum', partition);
    const truth = JSON.parse(await readFile((await blobOf(dir, 'preprocess.truth', partition)).path, 'utf8')) as { tilt: number; amplitude: number };
    expect(map.file).toBe('test/0003/map.fits');
    expect(spectrum.file).toBe('test/0003/spectrum.npy');
    const script = `
import json, sys
import numpy as np
from astropy.io import fits
with fits.open(sys.argv[1]) as hdul:
    hdul.verify('exception')
    h = hdul[0].header
    data = hdul[0].data
    out = {'hdus': len(hdul), 'shape': list(data.shape), 'dtype': data.dtype.name,
           'TILT': h['TILT'], 'AMP': h['AMP'], 'SPLIT': h['SPLIT'], 'SIM': h['SIM'], 'BUNIT': h['BUNIT']}
    m = data.astype(np.float64)
spec = np.load(sys.argv[2])
out.update({'npyShape': list(spec.shape), 'npyDtype': spec.dtype.name})
n = m.shape[0]; bins = spec.shape[0]
f = np.fft.fftfreq(n) * n
k = np.hypot(*np.meshgrid(f, f))
power = np.abs(np.fft.fft2(m)) ** 2 / m.size
edges = np.linspace(1, n / 2, bins + 1)
inside = (k >= 1) & (k <= n / 2)
idx = np.minimum(((k - 1) / (edges[1] - edges[0])).astype(int), bins - 1)
expected = np.array([power[inside & (idx == b)].mean() for b in range(bins)])
out['maxRelDiff'] = float(np.max(np.abs(spec / expected - 1)))
out['falls'] = bool(spec[0] > spec[-1])
print(json.dumps(out))
`;
    const { stdout } = await promisify(execFile)(PYTHON, ['-c', script, map.path, spectrum.path]).catch((error: Error) => {
      throw new Error(`${PYTHON} with numpy and astropy is needed (Debian: apt-get install python3-astropy): ${error.message}`);
    });
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen).toMatchObject({ hdus: 1, shape: [64, 64], dtype: 'float32', SPLIT: 'test', SIM: 3, BUNIT: 'uK', npyShape: [16], npyDtype: 'float64', falls: true });
    expect(seen['TILT']).toBeCloseTo(truth.tilt, 12);
    expect(seen['AMP']).toBeCloseTo(truth.amplitude, 9);
    expect(seen['TILT'] as number).toBeGreaterThanOrEqual(-3);
    expect(seen['TILT'] as number).toBeLessThanOrEqual(-1);
    expect(seen['maxRelDiff'] as number).toBeLessThan(1e-9);
  });

  it("--only 'simulate[split=test]' selects the 10 test simulations; forced, they come out byte-identical", { timeout: SLOW }, async () => {
    const cached = await aero(dir, 'run', '--only', 'simulate[split=test]');
    expect({ code: cached.code, stderr: cached.stderr }).toEqual({ code: 0, stderr: '' });
    expect(statuses(cached.stdout)).toEqual(Object.fromEntries(ids('simulate', 'test', 0, 10).map((id) => [id, 'cached'])));
    const before = [...(await manifests(dir, 'simulate.map')).keys()].sort();
    const forced = await aero(dir, 'run', '--only', 'simulate[split=test]', '--force');
    expect({ code: forced.code, stderr: forced.stderr }).toEqual({ code: 0, stderr: '' });
    expect(statuses(forced.stdout)).toEqual(Object.fromEntries(ids('simulate', 'test', 0, 10).map((id) => [id, 'ran'])));
    // Same content, same artifact versions: no new manifest appeared.
    expect([...(await manifests(dir, 'simulate.map')).keys()].sort()).toEqual(before);
  });

  it('adding 10 train simulations reruns exactly those, train, the predictions and evaluate', { timeout: SLOW }, async () => {
    const { r, all, ran } = await runWithCounts(dir, { train: 90, valid: 10, test: 10 });
    expect(ran).toEqual(
      [
        ...ids('simulate', 'train', 80, 90),
        ...ids('preprocess', 'train', 80, 90),
        'train',
        ...ids('predict', 'valid', 0, 10),
        ...ids('predict', 'test', 0, 10),
        'evaluate[split=valid]',
        'evaluate[split=test]',
      ].sort(),
    );
    expect(countBy(all, 'cached')).toEqual({ simulate: 100, preprocess: 100 });
    expect(r.stdout).toMatch(/succeeded in .*: 43 ran, 200 cached, 0 failed/);
    expect(await readFile(join(await runDir(dir), 'train/log.txt'), 'utf8')).toContain('fitted 16 weights on 90 train simulations');
  });

  it('adding 5 test simulations reruns train, which writes the same model, so old predictions stay cached', { timeout: SLOW }, async () => {
    const { r, all, ran } = await runWithCounts(dir, { train: 90, valid: 10, test: 15 });
    expect(ran).toEqual([...ids('simulate', 'test', 10, 15), ...ids('preprocess', 'test', 10, 15), 'train', ...ids('predict', 'test', 10, 15), 'evaluate[split=test]'].sort());
    expect(countBy(all, 'cached')).toEqual({ simulate: 110, preprocess: 110, predict: 20, evaluate: 1 });
    expect(await manifests(dir, 'train.model')).toHaveProperty('size', 2);
  });

  it('a bad sims.json stops the run when the config loads, with one message naming each bad count', { timeout: SLOW }, async () => {
    await writeFile(join(dir, 'sims.json'), JSON.stringify({ train: 90, valid: 0, test: 10 }));
    const r = await aero(dir, 'run');
    expect(r.code).toBe(2);
    expect(statuses(r.stdout)).toEqual({});
    expect(r.stderr).toBe(
      // An AeroError raised while the config loads reaches the user as it was thrown
      // (scope and hint intact); the CLI still treats it as a config error (exit 2).
      `[aero] [@aeroml/example-cmb-sims] CMB_SIMS_INVALID: ${join(dir, 'sims.json')} is invalid:\n  - \`valid\`: expected an integer >= 1, got 0\n  hint: Each split needs a positive whole number of simulations.\n`,
    );
  });
});
