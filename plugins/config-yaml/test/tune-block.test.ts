import { describe, expect, it } from 'vitest';
import { load, project } from './helpers.js';

describe('a top-level tune: block (aero tune settings)', () => {
  it('is handed over as the load result `tune`, out of params, with interpolations resolved', async () => {
    const cwd = project({
      'conf/config.yaml': [
        'train:',
        '  lr: 0.1',
        '  epochs: 5',
        'tune:',
        '  space:',
        "    train.lr: 'tag(log, interval(1e-3, 1))'",
        '  objective: evaluate.accuracy',
        '  direction: maximize',
        '  trials: ${train.epochs}',
        '',
      ].join('\n'),
    });
    const result = await load(cwd);
    expect(result.params).toEqual({ train: { lr: 0.1, epochs: 5 } });
    expect(result.tune).toEqual({ space: { 'train.lr': 'tag(log, interval(1e-3, 1))' }, objective: 'evaluate.accuracy', direction: 'maximize', trials: 5 });
  });

  it('leaves `tune` out of the result when the config has none', async () => {
    const result = await load(project({ 'conf/config.yaml': 'train:\n  lr: 0.1\n' }));
    expect(result).not.toHaveProperty('tune');
    expect(result.params).toEqual({ train: { lr: 0.1 } });
  });
});
