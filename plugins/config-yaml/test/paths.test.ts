import { describe, expect, it } from 'vitest';
import { pluginOptionsError } from '@aeroml/test-utils';
import { yamlConfig } from '../src/index.js';
import { withFiles } from './fixtures.js';
import { load, loadError, project } from './helpers.js';

/** basicConf with a file next to conf/ and another group, both reachable only by leaving conf/model/. */
const files = withFiles({ 'outside.yaml': 'stolen: true\n', 'conf/generate/big.yaml': 'stolen: true\n' });
const leaves = (why: string) => `an option names a .yaml file inside conf/model/, and ${why}.`;
const DOTDOT = leaves('`..` would leave that folder');
const ABSOLUTE = leaves('an absolute path would leave that folder');

describe('no option leaves its group folder', () => {
  it.each([
    ['`..` out of conf/', 'model=../../outside', `Config group \`model\` has no option \`../../outside\` (selected by \`model=../../outside\` on the command line): ${DOTDOT}`, 'Available options: large, small.'],
    ['`..` into another group', 'model=../generate/big', `Config group \`model\` has no option \`../generate/big\` (selected by \`model=../generate/big\` on the command line): ${DOTDOT}`, 'Available options: large, small.'],
    ['`..` back into the same group names the real option', 'model=../model/small', `Config group \`model\` has no option \`../model/small\` (selected by \`model=../model/small\` on the command line): ${DOTDOT}`, 'Did you mean `small`? Available options: large, small.'],
    ['a leading /', 'model=/etc/passwd', `Config group \`model\` has no option \`/etc/passwd\` (selected by \`model=/etc/passwd\` on the command line): ${ABSOLUTE}`, 'Available options: large, small.'],
    ['a drive letter', 'model=C:/x', `Config group \`model\` has no option \`C:/x\` (selected by \`model=C:/x\` on the command line): ${ABSOLUTE}`, 'Available options: large, small.'],
    ['a backslash', 'model=..\\x', `Config group \`model\` has no option \`..\\x\` (selected by \`model=..\\x\` on the command line): ${leaves('a backslash is not a folder separator here (use /)')}`, 'Available options: large, small.'],
    ['an empty segment', 'model=a//b', `Config group \`model\` has no option \`a//b\` (selected by \`model=a//b\` on the command line): ${leaves('an empty or `.` path segment names no file')}`, 'Available options: large, small.'],
    ['one name of a list', 'model=[small,../x]', `Config group \`model\` has no option \`../x\` (selected by \`model=[small,../x]\` on the command line): ${DOTDOT}`, 'Available options: large, small.'],
    ['an appended group', '+optim=../model/large', 'Config group `optim` has no option `../model/large` (selected by `+optim=../model/large` on the command line): an option names a .yaml file inside conf/optim/, and `..` would leave that folder.', 'Available options: adam.'],
  ])('on the command line: %s', async (_name, override, message, hint) => {
    const error = await loadError(project(files), [override]);
    expect(error).toMatchObject({ code: 'CONFIG_YAML_OPTION_NOT_FOUND', plugin: '@aeroml/config-yaml', message, hint });
    expect(error.details).toMatchObject({ group: override.startsWith('+') ? 'optim' : 'model', reason: 'outside-group' });
  });

  it.each([
    ['a defaults entry', 'defaults:\n  - model: ../../outside\n', 'conf/config.yaml'],
    ['an optional defaults entry (refused, not skipped)', 'defaults:\n  - optional model: ../../outside\n', 'conf/config.yaml'],
    ['an override entry', 'defaults:\n  - model: small\n  - override model: ../../outside\n', '`override model` in conf/config.yaml'],
  ])('in a YAML file: %s', async (_name, text, from) => {
    const error = await loadError(project({ ...files, 'conf/config.yaml': text }));
    expect(error).toMatchObject({
      code: 'CONFIG_YAML_OPTION_NOT_FOUND',
      message: `Config group \`model\` has no option \`../../outside\` (selected by ${from}): ${DOTDOT}`,
      hint: 'Available options: large, small.',
    });
  });

  it('a config path in a defaults list cannot climb out either', async () => {
    const error = await loadError(project({ ...files, 'conf/config.yaml': 'defaults:\n  - ../outside\n' }));
    expect(error).toMatchObject({ code: 'CONFIG_YAML_DEFAULTS_INVALID', message: 'conf/config.yaml: defaults entry 1 "../outside" is not a config path like `group/option` or `group/option@package`.' });
  });

  it('an option in a subfolder of its group is inside it and loads', async () => {
    const { params } = await load(project({ ...files, 'conf/model/sizes/tiny.yaml': 'units: 1\n' }), ['model=sizes/tiny']);
    expect(params.model).toEqual({ units: 1, dropout: 0.1 });
  });

  it('an unknown option gets the nearest real one', async () => {
    expect(await loadError(project(files), ['model=smal'])).toMatchObject({
      code: 'CONFIG_YAML_OPTION_NOT_FOUND',
      message: 'Config group `model` has no option `smal` (selected by `model=smal` on the command line): conf/model/smal.yaml does not exist.',
      hint: 'Did you mean `small`? Available options: large, small.',
    });
  });
});

describe('configName', () => {
  it.each([
    ['../outside', '`../outside` must name a file inside `dir` (like `config` or `train/main`), and `..` would leave that folder.'],
    ['/etc/config', '`/etc/config` must name a file inside `dir` (like `config` or `train/main`), and an absolute path would leave that folder.'],
    ['C:\\conf\\config', '`C:\\conf\\config` must name a file inside `dir` (like `config` or `train/main`), and a backslash is not a folder separator here (use /).'],
  ])('%s is refused when yamlConfig() is created', (configName, problem) => {
    const error = pluginOptionsError(() => yamlConfig({ configName }), '@aeroml/config-yaml');
    expect(error.message).toBe(`Invalid options for yamlConfig():\n  - \`configName\`: ${problem}`);
  });

  it('may carry its extension: config.yaml and config.yml name exactly that file', async () => {
    expect((await load(project({ 'conf/config.yaml': 'a: 1\n' }), [], {}, { configName: 'config.yaml' })).params).toEqual({ a: 1 });
    const both = project({ 'conf/config.yaml': 'a: 1\n', 'conf/config.yml': 'a: 2\n' });
    expect((await load(both, [], {}, { configName: 'config.yml' })).params).toEqual({ a: 2 });
    expect((await load(both, [], {}, { configName: 'config' })).params).toEqual({ a: 1 });
    expect((await load(project({ 'conf/train/main.yaml': 'b: 1\n' }), [], {}, { configName: 'train/main' })).params).toEqual({ b: 1 });
  });

  it('with an extension, the not-found errors name that file once', async () => {
    const onlyYml = await loadError(project({ 'conf/config.yml': 'a: 2\n' }), [], {}, { configName: 'config.yaml' });
    expect(onlyYml).toMatchObject({ code: 'CONFIG_YAML_PRIMARY_NOT_FOUND', message: 'Primary config `conf/config.yaml` not found.', hint: 'Create it (it may hold just a `defaults:` list), or set yamlConfig({ configName }).' });
    const noDir = await loadError(project({ 'README.md': 'x' }), [], {}, { configName: 'main.yml' });
    expect(noDir).toMatchObject({ code: 'CONFIG_YAML_DIR_NOT_FOUND', hint: 'Create conf/main.yml, or point yamlConfig({ dir }) at your config folder.' });
  });
});
