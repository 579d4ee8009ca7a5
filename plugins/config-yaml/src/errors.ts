import { defineErrors } from '@aeroml/core';
import rows from './errors.json';

export const PLUGIN = '@aeroml/config-yaml';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const yamlErrors = defineErrors(rows, { plugin: PLUGIN });

/** Every error code this plugin raises (besides core's PLUGIN_OPTIONS_INVALID, OVERRIDE_INVALID and CONFIG_* interpolation codes). */
export const ConfigYamlErrorCodes = yamlErrors.codesWithout('CONFIG_YAML_');
/** An AeroError of this package with the message written where it is raised. */
export const yamlError = yamlErrors.create;
