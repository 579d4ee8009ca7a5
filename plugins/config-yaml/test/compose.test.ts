import { describe, expect, it } from 'vitest';
import { basicConf, largeModelSources, withFiles } from './fixtures.js';
import { load, loadError, project } from './helpers.js';

describe('composition through the defaults list (Hydra "The Defaults List")', () => {
  it('composes groups, nested groups and the primary config', async () => {
    const { params } = await load(project(basicConf));
    expect(params).toEqual({
      model: { name: 'small', units: 64, dropout: 0.1 },
      data: { name: 'mnist', path: '/data/mnist', batch: 32 },
      trainer: { epochs: 3, callbacks: { early_stop: { patience: 3 } } },
      seed: 1,
    });
  });

  it('_self_ last: the primary config overrides its defaults (Hydra "Composition order")', async () => {
    const { params } = await load(project(basicConf));
    expect((params.model as Record<string, unknown>).dropout).toBe(0.1);
  });

  it('_self_ first: the defaults override the primary config (Hydra "Composition order")', async () => {
    const conf = withFiles({
      'conf/config.yaml': 'defaults:\n  - _self_\n  - model: small\nmodel:\n  dropout: 0.1\n',
    });
    const { params, origins } = await load(project(conf));
    expect(params.model).toEqual({ dropout: 0.5, name: 'small', units: 64 });
    expect(origins!['model.dropout']).toBe('conf/model/small.yaml');
  });

  it('no _self_: it is implied at the end, so the config overrides its defaults (Hydra 1.1 default composition order)', async () => {
    const conf = withFiles({ 'conf/config.yaml': 'defaults:\n  - model: small\nmodel:\n  dropout: 0.1\n' });
    expect(((await load(project(conf))).params.model as Record<string, unknown>).dropout).toBe(0.1);
  });

  it('_self_ in the middle orders values between defaults', async () => {
    const conf = withFiles({
      'conf/config.yaml': 'defaults:\n  - model: small\n  - _self_\n  - data: mnist\nmodel:\n  units: 1\ndata:\n  batch: 1\n',
    });
    const { params } = await load(project(conf));
    expect((params.model as Record<string, unknown>).units).toBe(1);
    expect((params.data as Record<string, unknown>).batch).toBe(32);
  });

  it('a group default with a list selects several options, merged in order (Hydra "Selecting multiple configs from a Config Group")', async () => {
    const { params } = await load(project(basicConf), ['trainer/callbacks=[early_stop,checkpoint]']);
    expect(params.trainer).toEqual({ epochs: 3, callbacks: { early_stop: { patience: 3 }, checkpoint: { every: 1 } } });
  });

  it('optional: a missing option is skipped; without optional it is an error that lists the options', async () => {
    await expect(load(project(basicConf))).resolves.toBeDefined();
    const conf = withFiles({ 'conf/config.yaml': 'defaults:\n  - model: medium\n' });
    const error = await loadError(project(conf));
    expect(error.code).toBe('CONFIG_YAML_OPTION_NOT_FOUND');
    expect(error.plugin).toBe('@aeroml/config-yaml');
    expect(error.message).toBe('Config group `model` has no option `medium` (selected by conf/config.yaml): conf/model/medium.yaml does not exist.');
    expect(error.hint).toBe('Available options: large, small.');
  });

  it('group: null selects nothing', async () => {
    const conf = withFiles({ 'conf/config.yaml': 'defaults:\n  - model: null\n  - data: mnist\n' });
    expect(Object.keys((await load(project(conf))).params)).toEqual(['data']);
  });

  it('group: ??? must be chosen on the command line (Hydra "Mandatory config group")', async () => {
    const conf = withFiles({ 'conf/config.yaml': 'defaults:\n  - model: ???\n' });
    const error = await loadError(project(conf));
    expect(error.code).toBe('CONFIG_YAML_GROUP_MISSING');
    expect(error.message).toBe('Config group `model` needs an option: conf/config.yaml leaves it as ???. Pick one on the command line, e.g. model=<option>.');
    expect(error.hint).toBe('Available options: large, small.');
    expect((await load(project(conf), ['model=large'])).params).toEqual({ model: { name: 'large', units: 512, dropout: 0.3 } });
  });

  it('packages: group@pkg places the config elsewhere; the header # @package _global_ places it at the top (Hydra "Packages")', async () => {
    const conf = withFiles({
      'conf/config.yaml': 'defaults:\n  - model@student: small\n  - model@teacher: large\n  - data: mnist\n',
      'conf/data/mnist.yaml': '# @package _global_\ndataset: mnist\n',
    });
    const { params } = await load(project(conf), ['model@teacher=small']);
    expect(params).toEqual({ student: { name: 'small', units: 64, dropout: 0.5 }, teacher: { name: 'small', units: 64, dropout: 0.5 }, dataset: 'mnist' });
  });

  it('plain config entries (group/option) and paths relative to the listing file', async () => {
    const conf = withFiles({
      'conf/config.yaml': 'defaults:\n  - model/small\n  - common\n',
      'conf/common.yaml': 'defaults:\n  - /data/mnist@data\nlog: true\n',
    });
    const { params } = await load(project(conf));
    expect(params).toEqual({ model: { name: 'small', units: 64, dropout: 0.5 }, data: { name: 'mnist', path: '/data/mnist', batch: 32 }, log: true });
  });

  it('an appended experiment with `override /model` changes a group chosen earlier (Hydra "Configuring Experiments")', async () => {
    const { params, sources } = await load(project(basicConf), ['+experiment=fast']);
    expect(params.model).toEqual({ name: 'large', units: 512, dropout: 0.1 });
    expect((params.trainer as Record<string, unknown>).epochs).toBe(1);
    expect(sources.map((s) => s.file)).toEqual([...largeModelSources, 'conf/experiment/fast.yaml']);
    // The command line still wins over the experiment's override.
    expect(((await load(project(basicConf), ['+experiment=fast', 'model=small'])).params.model as Record<string, unknown>).name).toBe('small');
  });

  it('`override` matching nothing is an error naming the file', async () => {
    const conf = withFiles({ 'conf/experiment/bad.yaml': '# @package _global_\ndefaults:\n  - override /optim: adam\n' });
    const error = await loadError(project(conf), ['+experiment=bad']);
    expect(error.code).toBe('CONFIG_YAML_DEFAULTS_INVALID');
    expect(error.message).toBe('conf/experiment/bad.yaml: `override optim` matches no config group in the defaults list.');
  });

  it('a config that includes itself is a cycle', async () => {
    const conf = withFiles({ 'conf/config.yaml': 'defaults:\n  - a\n', 'conf/a.yaml': 'defaults:\n  - b\n', 'conf/b.yaml': 'defaults:\n  - a\n' });
    const error = await loadError(project(conf));
    expect(error.code).toBe('CONFIG_YAML_DEFAULTS_CYCLE');
    expect(error.message).toBe('The defaults lists form a cycle: conf/config.yaml → conf/a.yaml → conf/b.yaml → conf/a.yaml.');
  });

  it('malformed defaults entries name the file and the entry', async () => {
    const cases: [string, string][] = [
      ['defaults: model\n', 'conf/config.yaml: the defaults list must be a list, found "model".'],
      ['defaults:\n  - model: small\n    data: mnist\n', 'conf/config.yaml: defaults entry 1 must be `group: option`, a config path or `_self_`, found {"model":"small","data":"mnist"}.'],
      ['defaults:\n  - model: {a: 1}\n', 'conf/config.yaml: defaults entry 1 "model": the option must be a name, a list of names, null or ???; found {"a":1}.'],
      ['defaults:\n  - sometimes model: small\n', 'conf/config.yaml: defaults entry 1 "sometimes model": unknown keyword `sometimes` (use optional or override).'],
      ['defaults:\n  - _self_\n  - _self_\n', 'conf/config.yaml: defaults entry 2 repeats `_self_`.'],
      ['defaults:\n  - "model: small"\n', 'conf/config.yaml: defaults entry 1 "model: small" is not a config path like `group/option` or `group/option@package`.'],
      ['defaults:\n  - model: ${x}\n', 'conf/config.yaml: defaults entry 1 "model": interpolation in the defaults list is not supported.'],
    ];
    for (const [text, message] of cases) {
      const error = await loadError(project(withFiles({ 'conf/config.yaml': text })));
      expect(error.code).toBe('CONFIG_YAML_DEFAULTS_INVALID');
      expect(error.message).toBe(message);
    }
  });

  it('a missing included config names the listing file', async () => {
    const error = await loadError(project(withFiles({ 'conf/config.yaml': 'defaults:\n  - model/tiny\n' })));
    expect(error.code).toBe('CONFIG_YAML_OPTION_NOT_FOUND');
    expect(error.message).toBe('conf/config.yaml includes the config `model/tiny`, but conf/model/tiny.yaml does not exist.');
  });

  it('several problems are reported together', async () => {
    const conf = withFiles({ 'conf/config.yaml': 'defaults:\n  - model: medium\n  - data: ???\n' });
    const error = await loadError(project(conf));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message.split('\n')).toEqual([
      'The config cannot be composed (2 problems):',
      '  - Config group `model` has no option `medium` (selected by conf/config.yaml): conf/model/medium.yaml does not exist. (Available options: large, small.)',
      '  - Config group `data` needs an option: conf/config.yaml leaves it as ???. Pick one on the command line, e.g. data=<option>. (Available options: cifar, mnist.)',
    ]);
  });

  it('.yml files work too; YAML merge keys are supported', async () => {
    const dir = project({ 'conf/config.yml': 'defaults:\n  - model: a\n', 'conf/model/a.yml': 'base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n' });
    expect((await load(dir)).params).toEqual({ model: { base: { x: 1, y: 2 }, derived: { x: 1, y: 3 } } });
  });
});

describe('files and folders', () => {
  it('a missing config folder or primary config is a clear error', async () => {
    const empty = project({ 'README.md': 'x' });
    const noDir = await loadError(empty);
    expect(noDir.code).toBe('CONFIG_YAML_DIR_NOT_FOUND');
    expect(noDir.message).toBe(`Config folder \`conf\` not found in ${empty}.`);
    expect(noDir.hint).toBe('Create conf/config.yaml, or point yamlConfig({ dir }) at your config folder.');
    const noPrimary = await loadError(project({ 'conf/other.yaml': 'a: 1' }));
    expect(noPrimary.code).toBe('CONFIG_YAML_PRIMARY_NOT_FOUND');
    expect(noPrimary.message).toBe('Primary config `conf/config.yaml` not found.');
  });

  it('custom dir and configName', async () => {
    const dir = project({ 'configs/train.yaml': 'lr: 0.1\n' });
    expect((await load(dir, [], {}, { dir: 'configs', configName: 'train' })).params).toEqual({ lr: 0.1 });
  });

  it('YAML syntax errors give file:line:column', async () => {
    const error = await loadError(project(withFiles({ 'conf/model/small.yaml': 'name: small\nunits: [64\n' })));
    expect(error.code).toBe('CONFIG_YAML_PARSE_FAILED');
    expect(error.message).toMatch(/^conf\/model\/small\.yaml:\d+:\d+: invalid YAML: .+\.$/);
    expect(error.details).toMatchObject({ file: 'conf/model/small.yaml', line: expect.any(Number), column: expect.any(Number) });
    const dup = await loadError(project(withFiles({ 'conf/model/small.yaml': 'name: a\nname: b\n' })));
    expect(dup.message).toBe('conf/model/small.yaml:2:1: invalid YAML: Map keys must be unique.');
  });

  it('a file that is not a mapping is an error', async () => {
    const error = await loadError(project(withFiles({ 'conf/model/small.yaml': '- a\n- b\n' })));
    expect(error.code).toBe('CONFIG_YAML_NOT_A_MAPPING');
    expect(error.message).toBe('conf/model/small.yaml must hold a mapping (key: value lines) at the top level, but it holds a list.');
  });

  it('an empty file is an empty mapping', async () => {
    expect((await load(project(withFiles({ 'conf/model/small.yaml': '' })))).params.model).toEqual({ dropout: 0.1 });
  });
});
