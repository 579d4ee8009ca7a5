import { AeroAggregateError, AeroError, ErrorCodes } from '@aeroml/core';
import { z } from 'zod';
import { PLUGIN } from './errors.js';

export const fileTrackerOptionsSchema = z.strictObject({
  /**
   * fsync every appended line or batch and every rewritten JSON file (and the folder of a
   * file just created) before the call resolves, so they survive a power loss too (a
   * process crash never loses an acknowledged call either way). Slower: one disk flush per call.
   */
  fsync: z.boolean().default(false),
});
export type FileTrackerOptions = z.input<typeof fileTrackerOptionsSchema>;

/** Validates options; throws PLUGIN_OPTIONS_INVALID listing each problem with its dot path. */
export function parseOptions(input: unknown): z.output<typeof fileTrackerOptionsSchema> {
  const result = fileTrackerOptionsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...base, k].join('.')) : [base.join('.') || '(options)'];
    const message = issue.code === 'unrecognized_keys' ? 'unknown option' : issue.message;
    return paths.map((path) => new AeroError(ErrorCodes.PLUGIN_OPTIONS_INVALID, `fileTracker: \`${path}\`: ${message}`, { plugin: PLUGIN }));
  });
  throw new AeroAggregateError(ErrorCodes.PLUGIN_OPTIONS_INVALID, 'Invalid options for fileTracker():', issues, {
    plugin: PLUGIN,
    hint: 'Fix the options listed above in aero.config.ts; see the @aeroml/tracker-file README.',
  });
}
