import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basicConf, largeModelSources } from './fixtures.js';
import { load, project } from './helpers.js';
import { yamlConfig } from '../src/index.js';

describe('what a run snapshot stores: sources and origins', () => {
  it('sources are the files composition used, in order, with their exact text', async () => {
    const dir = project(basicConf);
    const { sources } = await load(dir, ['model=large']);
    expect(sources.map((s) => s.file)).toEqual(largeModelSources);
    for (const source of sources) expect(source.content).toBe(readFileSync(join(dir, source.file), 'utf8'));
  });

  it('origins map every dot path (containers, leaves, list items) to the file or <cli> / <aero.config.ts>', async () => {
    const conf = { ...basicConf, 'conf/data/mnist.yaml': 'name: mnist\npath: /d\nbatch: 32\nsplits: [train, test]\n' };
    const { origins } = await load(project(conf), ['model.units=1'], { extra: { flag: true } });
    expect(origins).toEqual({
      extra: '<aero.config.ts>',
      'extra.flag': '<aero.config.ts>',
      model: 'conf/config.yaml',
      'model.name': 'conf/model/small.yaml',
      'model.units': '<cli>',
      'model.dropout': 'conf/config.yaml',
      data: 'conf/data/mnist.yaml',
      'data.name': 'conf/data/mnist.yaml',
      'data.path': 'conf/data/mnist.yaml',
      'data.batch': 'conf/data/mnist.yaml',
      'data.splits': 'conf/data/mnist.yaml',
      'data.splits.0': 'conf/data/mnist.yaml',
      'data.splits.1': 'conf/data/mnist.yaml',
      trainer: 'conf/trainer/default.yaml',
      'trainer.callbacks': 'conf/trainer/callbacks/early_stop.yaml',
      'trainer.callbacks.early_stop': 'conf/trainer/callbacks/early_stop.yaml',
      'trainer.callbacks.early_stop.patience': 'conf/trainer/callbacks/early_stop.yaml',
      'trainer.epochs': 'conf/trainer/default.yaml',
      seed: 'conf/config.yaml',
    });
  });

  it('loading is deterministic: the same files and overrides give the same result', async () => {
    const dir = project(basicConf);
    const a = await load(dir, ['model=large', 'seed=2']);
    const b = await load(dir, ['model=large', 'seed=2']);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('one loader reuses parsed files across loads (a sweep) but sees edited files, and results never share objects', async () => {
    const dir = project(basicConf);
    const loader = yamlConfig();
    const first = await loader.load({ cwd: dir, overrides: ['model=large'], base: {} });
    (first.params.model as Record<string, unknown>).units = -1;
    const second = await loader.load({ cwd: dir, overrides: ['model=large'], base: {} });
    expect((second.params.model as Record<string, unknown>).units).toBe(512);
    writeFileSync(join(dir, 'conf/model/large.yaml'), 'name: large\nunits: 1024\ndropout: 0.3\n');
    const third = await loader.load({ cwd: dir, overrides: ['model=large'], base: {} });
    expect((third.params.model as Record<string, unknown>).units).toBe(1024);
    expect(third.sources.find((s) => s.file === 'conf/model/large.yaml')?.content).toContain('1024');
  });
});
