import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aero, copyQuickstart, readJson, statuses } from './helpers.js';
import { manifestOf } from './manifest.js';

describe('examples/quickstart end to end', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyQuickstart();
  });

  it('first run runs every action and trains a useful model', async () => {
    const r = await aero(dir, 'run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(statuses(r.stdout)).toEqual({ ingest: 'ran', split: 'ran', train: 'ran', evaluate: 'ran' });
    const runs = await readdir(join(dir, '.aero/runs'));
    expect(runs).toHaveLength(1);
    const record = await readJson(join(dir, '.aero/runs', runs[0]!, 'run.json'));
    expect(record.status).toBe('succeeded');
    expect(record.counts).toMatchObject({ ran: 4, cached: 0, failed: 0 });
    const evaluate = record.actions.find((a: { id: string }) => a.id === 'evaluate');
    expect(evaluate.metrics.accuracy).toBeGreaterThan(0.9);
    const train = record.actions.find((a: { id: string }) => a.id === 'train');
    expect(train.params ?? record.params.train).toMatchObject({ lr: 0.5, epochs: 200 });
    // Loss per epoch reaches the file tracker, one line per epoch.
    const metrics = (await readFile(join(dir, '.aero/runs', runs[0]!, 'train/metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.filter((m) => m.name === 'loss')).toHaveLength(200);
    expect(metrics.at(-1).value).toBeLessThan(metrics[0].value);
  });

  it('second run reports every action cached', async () => {
    const r = await aero(dir, 'run');
    expect(r.code).toBe(0);
    expect(statuses(r.stdout)).toEqual({ ingest: 'cached', split: 'cached', train: 'cached', evaluate: 'cached' });
    expect(r.stdout).toMatch(/succeeded in .*: 0 ran, 4 cached, 0 failed/);
  });

  it('changing one param reruns only what depends on it, and why explains it', async () => {
    const r = await aero(dir, 'run', 'train.epochs=50');
    expect(r.code).toBe(0);
    expect(statuses(r.stdout)).toEqual({ ingest: 'cached', split: 'cached', train: 'ran', evaluate: 'ran' });
    const why = await aero(dir, 'why', 'train', 'train.epochs=60');
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('train will run');
    expect(why.stdout).toContain('params changed (epochs: 50 → 60)');
    const cached = await aero(dir, 'why', 'train');
    expect(cached.stdout).toMatch(/train is cached \(key [0-9a-f]{12}\):\n {2}- cache key [0-9a-f]{12} found \(written by run /);
  });

  it('a code change in an imported helper reruns the action that calls it; an equal output stops there', async () => {
    const model = join(dir, 'src/model.ts');
    const source = await readFile(model, 'utf8');
    // A comment is no code change.
    await writeFile(model, source + '\n// tweak\n');
    expect(statuses((await aero(dir, 'run', '--dry-run')).stdout)).toEqual({ ingest: 'cached', split: 'cached', train: 'cached', evaluate: 'cached' });
    // softmax is reached by train only; renamed parameters give the same model bit for bit.
    await writeFile(model, source.replace('e.reduce((a, b) => a + b, 0)', 'e.reduce((sum, v) => sum + v, 0)'));
    const dry = await aero(dir, 'run', '--dry-run');
    expect(dry.code).toBe(0);
    expect(statuses(dry.stdout)).toEqual({ ingest: 'cached', split: 'cached', train: 'would run', evaluate: 'would run' });
    expect(dry.stdout).toContain('train: code changed (function `softmax` in src/model.ts)');
    const r = await aero(dir, 'run');
    expect(statuses(r.stdout)).toEqual({ ingest: 'cached', split: 'cached', train: 'ran', evaluate: 'cached' });
  });

  it('an input change (the data file) reruns the whole chain', async () => {
    const data = join(dir, 'data/penguins.csv');
    const lines = (await readFile(data, 'utf8')).trim().split('\n');
    await writeFile(data, lines.slice(0, -5).join('\n') + '\n');
    const r = await aero(dir, 'run');
    expect(statuses(r.stdout)).toEqual({ ingest: 'ran', split: 'ran', train: 'ran', evaluate: 'ran' });
  });

  it('a deleted blob turns a cache hit into a rerun that restores it', async () => {
    const before = await aero(dir, 'run');
    expect(statuses(before.stdout).train).toBe('cached');
    const show = await aero(dir, 'show', 'latest', '--json');
    const digest = JSON.parse(show.stdout).actions.find((a: { id: string }) => a.id === 'train').outputs.model;
    const artifacts = await aero(dir, 'lineage', `train.model@${digest.slice(0, 12)}`, '--json');
    expect(artifacts.code).toBe(0);
    const file = (await manifestOf(dir, 'train.model', digest)).files[0]!;
    const blob = join(dir, '.aero/objects/sha256', file.sha256.slice(0, 2), file.sha256);
    await rm(blob, { force: true });
    const r = await aero(dir, 'run');
    expect(statuses(r.stdout)).toEqual({ ingest: 'cached', split: 'cached', train: 'ran', evaluate: 'cached' });
    expect((await readFile(blob)).length).toBe(file.size);
  });
});
