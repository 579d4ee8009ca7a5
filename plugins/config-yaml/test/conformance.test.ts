import { describeConfigLoader } from '@aeroml/test-utils';
import { yamlConfig } from '../src/index.js';
import { basicConf } from './fixtures.js';

describeConfigLoader('@aeroml/config-yaml', () => yamlConfig(), {
  files: basicConf,
  // `_self_` last: the primary file's `model.dropout` wins over the group's.
  expected: { seed: 1, model: { name: 'small', units: 64, dropout: 0.1 }, data: { name: 'mnist', batch: 32 } },
  overrides: { args: ['model=large', 'data.batch=128', 'seed=7'], expected: { seed: 7, model: { name: 'large', units: 512 }, data: { batch: 128 } } },
  unknownOverride: { arg: 'data.batchsize=8', mentions: 'data.batchsize' },
  refused: [
    { name: 'a file that is not YAML', files: { ...basicConf, 'conf/model/small.yaml': 'name: small\nunits: [64\n' }, code: 'CONFIG_YAML_PARSE_FAILED', mentions: 'conf/model/small.yaml' },
    { name: 'a top level that is not a mapping', files: { ...basicConf, 'conf/data/mnist.yaml': '- a\n- b\n' }, code: 'CONFIG_YAML_NOT_A_MAPPING', mentions: 'conf/data/mnist.yaml' },
    { name: 'a project without its config folder', files: { 'README.md': 'no conf here\n' }, code: 'CONFIG_YAML_DIR_NOT_FOUND', mentions: '`conf`' },
    { name: 'a group option that does not exist', overrides: ['model=huge'], code: 'CONFIG_YAML_OPTION_NOT_FOUND', mentions: 'huge' },
  ],
});
