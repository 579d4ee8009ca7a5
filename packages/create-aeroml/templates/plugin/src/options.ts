import { AeroError, ErrorCodes } from '@aeroml/core';
import type { z } from 'zod';
import { PLUGIN } from './errors.js';

/**
 * Validates a factory's options when aero.config.ts is loaded: bad options become one
 * PLUGIN_OPTIONS_INVALID listing every problem with its dot path, before anything runs.
 */
export function parseOptions<S extends z.ZodType>(factory: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${factory}: \`${[...path, key].join('.')}\`: unknown option`);
    return [`${factory}: \`${path.join('.')}\`: ${issue.message}`];
  });
  throw new AeroError(ErrorCodes.PLUGIN_OPTIONS_INVALID, `Invalid options:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
    plugin: PLUGIN,
    hint: `Fix the options listed above (see the ${PLUGIN} README).`,
  });
}
