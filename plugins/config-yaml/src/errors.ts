import { AeroError, type AeroErrorOptions } from '@aeroml/core';

export const PLUGIN = '@aeroml/config-yaml';

/** Every error code this plugin raises (besides core's PLUGIN_OPTIONS_INVALID, OVERRIDE_INVALID and CONFIG_* interpolation codes). */
export const ConfigYamlErrorCodes = {
  DIR_NOT_FOUND: 'CONFIG_YAML_DIR_NOT_FOUND',
  PRIMARY_NOT_FOUND: 'CONFIG_YAML_PRIMARY_NOT_FOUND',
  PARSE_FAILED: 'CONFIG_YAML_PARSE_FAILED',
  NOT_A_MAPPING: 'CONFIG_YAML_NOT_A_MAPPING',
  DEFAULTS_INVALID: 'CONFIG_YAML_DEFAULTS_INVALID',
  OPTION_NOT_FOUND: 'CONFIG_YAML_OPTION_NOT_FOUND',
  GROUP_MISSING: 'CONFIG_YAML_GROUP_MISSING',
  DEFAULTS_CYCLE: 'CONFIG_YAML_DEFAULTS_CYCLE',
} as const;

export function yamlError(code: string, message: string, options: Omit<AeroErrorOptions, 'plugin'> = {}): AeroError {
  return new AeroError(code, message, { ...options, plugin: PLUGIN });
}
