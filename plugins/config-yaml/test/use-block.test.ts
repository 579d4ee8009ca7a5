import { describe, expect, it } from 'vitest';
import { load, project } from './helpers.js';

describe('a top-level use: list (pinned input versions)', () => {
  it('is handed over as the load result `use`, out of params, and an override can set it', async () => {
    const cwd = project({ 'conf/config.yaml': 'train:\n  lr: 0.1\nuse:\n  - prep.data@best\n' });
    const result = await load(cwd);
    expect(result.params).toEqual({ train: { lr: 0.1 } });
    expect(result.use).toEqual(['prep.data@best']);
    const overridden = await load(cwd, ['use=[prep.data@v2]']);
    expect(overridden.use).toEqual(['prep.data@v2']);
  });

  it('refuses a use: that is not a list of strings, and leaves `use` out when there is none', async () => {
    await expect(load(project({ 'conf/config.yaml': 'use:\n  prep: best\n' }))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: '`use:` in the YAML config must be a list of pins like `prep.data@best`, got {"prep":"best"}.',
    });
    expect(await load(project({ 'conf/config.yaml': 'train:\n  lr: 0.1\n' }))).not.toHaveProperty('use');
  });
});
