import { z } from 'zod';
import { AeroError, ErrorCodes } from '@aeroml/core';
import { PLUGIN } from './errors.js';

/** Options of `netpbmHandler()`, validated when the config is loaded. */
export const netpbmOptionsSchema = z
  .object({
    /** Write the plain (ASCII) variants P2/P3 instead of the binary P5/P6. */
    plain: z.boolean().default(false),
    /** A `# comment` line written into every header (printable ASCII, one line). */
    comment: z
      .string()
      .regex(/^[\x20-\x7e]*$/, 'must be one line of printable ASCII')
      .optional(),
  })
  .strict();

export type NetpbmOptions = z.input<typeof netpbmOptionsSchema>;
export type ResolvedNetpbmOptions = z.output<typeof netpbmOptionsSchema>;

/** Bad options become one PLUGIN_OPTIONS_INVALID listing each problem with its dot path. */
export function parseOptions(input: unknown): ResolvedNetpbmOptions {
  const result = netpbmOptionsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `netpbmHandler: \`${[...path, key].join('.')}\`: unknown option`);
    return [`netpbmHandler: \`${path.join('.')}\`: ${issue.message}`];
  });
  throw new AeroError(ErrorCodes.PLUGIN_OPTIONS_INVALID, `Invalid options:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
    plugin: PLUGIN,
    hint: 'Fix the options listed above (see the aero-handler-netpbm README).',
  });
}
