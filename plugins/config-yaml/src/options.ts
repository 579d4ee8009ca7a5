import { AeroError, ErrorCodes } from '@aeroml/core';
import { z } from 'zod';
import { PLUGIN } from './errors.js';

export const yamlConfigOptionsSchema = z
  .object({
    /** Config directory, relative to the project root. */
    dir: z.string().min(1).default('conf'),
    /** Primary config file name inside `dir`, without extension. */
    configName: z.string().min(1).default('config'),
    /** What to do with values still `???` after composition: `error` lists them; `omit` drops them (schema defaults apply); `keep` leaves `'???'`. */
    missing: z.enum(['error', 'omit', 'keep']).default('error'),
  })
  .strict();

export type YamlConfigOptions = z.input<typeof yamlConfigOptionsSchema>;
export type YamlConfigSettings = z.output<typeof yamlConfigOptionsSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(options)' : path.map(String).join('.');
}

/** Validates options at config time; problems become one PLUGIN_OPTIONS_INVALID listing each with its dot path. */
export function parseYamlConfigOptions(input: unknown): YamlConfigSettings {
  const result = yamlConfigOptionsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `yamlConfig: \`${formatPath(issue.path)}\`: ${issue.message}`);
  throw new AeroError(ErrorCodes.PLUGIN_OPTIONS_INVALID, `Invalid options for yamlConfig:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
    plugin: PLUGIN,
    hint: 'Fix the listed options in aero.config.ts; see docs/plugins/config-yaml.md for every option.',
    details: { issues: lines },
  });
}
