import { defineErrors } from '@aeroml/core';

export const PLUGIN = '@aeroml/config-yaml';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const yamlErrors = defineErrors(
  {
    CONFIG_YAML_DIR_NOT_FOUND: { title: 'the config folder (`dir`) does not exist', exit: 2, message: () => 'Config folder `conf` not found in /project.', hint: 'Create `conf/config.yaml` or set `dir`.' },
    CONFIG_YAML_PRIMARY_NOT_FOUND: { title: 'the primary config file (`configName`) does not exist', exit: 2, message: () => 'Primary config `conf/config.yaml` not found.', hint: 'Create it or set `configName`.' },
    CONFIG_YAML_PARSE_FAILED: { title: 'a YAML file does not parse (line and column shown)', exit: 2, message: () => 'conf/model/small.yaml:2:1: invalid YAML: Map keys must be unique.', hint: 'Fix the YAML at that line and column.' },
    CONFIG_YAML_NOT_A_MAPPING: { title: 'a config file holds something other than a mapping at the top level', exit: 2, message: () => 'conf/x.yaml must hold a mapping (key: value lines) at the top level, but it holds a list.', hint: 'Make the file a mapping.' },
    CONFIG_YAML_DEFAULTS_INVALID: { title: 'an entry of a defaults list is malformed, repeated or overrides no group', exit: 2, message: () => 'conf/config.yaml: defaults entry 2 repeats `_self_`. / `override optim` matches no config group in the defaults list.', hint: 'Fix the entry in the named file.' },
    CONFIG_YAML_OPTION_NOT_FOUND: { title: 'a config group has no option of the selected name', exit: 2, message: () => 'Config group `model` has no option `huge` (selected by `model=huge` on the command line): conf/model/huge.yaml does not exist.', hint: 'Pick one of the listed options (in the hint).' },
    CONFIG_YAML_GROUP_MISSING: { title: 'a config group is left as `???` and nothing chose an option', exit: 2, message: () => 'Config group `model` needs an option: conf/config.yaml leaves it as ???.', hint: 'Choose one: `model=<option>`.' },
    CONFIG_YAML_DEFAULTS_CYCLE: { title: 'defaults lists include each other in a loop', exit: 2, message: () => 'The defaults lists form a cycle: conf/config.yaml → conf/a.yaml → conf/a.yaml.', hint: 'Remove one of the entries.' },
  },
  { plugin: PLUGIN },
);

/** Every error code this plugin raises (besides core's PLUGIN_OPTIONS_INVALID, OVERRIDE_INVALID and CONFIG_* interpolation codes). */
export const ConfigYamlErrorCodes = yamlErrors.codesWithout('CONFIG_YAML_');
/** An AeroError of this package with the message written where it is raised. */
export const yamlError = yamlErrors.create;
