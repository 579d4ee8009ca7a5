import { defineConfigLoader } from '@aeroml/core';
import pkg from '../package.json' with { type: 'json' };
import { PLUGIN } from './errors.js';
import { loadYamlConfig } from './load.js';
import { yamlConfigOptionsSchema } from './options.js';

export { yamlConfigOptionsSchema, type YamlConfigOptions, type YamlConfigSettings } from './options.js';
export { ConfigYamlErrorCodes } from './errors.js';
export { BASE_SOURCE, CLI_SOURCE } from './load.js';

/**
 * Hydra-style composed YAML configs: `conf/config.yaml` with a `defaults` list of config
 * groups (`conf/model/*.yaml`, `conf/trainer/callbacks/*.yaml`), command-line overrides
 * (`model=large`, `train.lr=1e-3`, `+x=1`, `++x=1`, `~x`) and `${...}` interpolation.
 *
 * ```ts
 * export default defineConfig({ actions, plugins: [yamlConfig({ dir: 'conf' })] });
 * ```
 */
export const yamlConfig = defineConfigLoader({
  name: 'yaml',
  packageName: PLUGIN,
  version: pkg.version,
  factory: 'yamlConfig',
  options: yamlConfigOptionsSchema,
  setup(settings) {
    // Parsed files, reused by later loads while a file's mtime and size are unchanged (one load per sweep run).
    const cache = new Map();
    return { load: (loadOptions) => loadYamlConfig(settings, loadOptions, cache) };
  },
});

export default yamlConfig;
