import { AeroAggregateError, AeroError, ErrorCodes } from '@aeroml/core';
import { z } from 'zod';
import { PLUGIN } from './errors.js';

export const localStoreOptionsSchema = z.strictObject({
  /** Store directory, relative to `cwd` or absolute. */
  dir: z.string().min(1, 'must not be empty').default('.aero'),
  /** Directory `dir` is resolved against (the project root). Default: `process.cwd()` at creation. */
  cwd: z.string().min(1, 'must not be empty').optional(),
  /** fsync each file and its directory before a write resolves (survives power loss; slower). */
  durable: z.boolean().default(false),
});
export type LocalStoreOptions = z.input<typeof localStoreOptionsSchema>;
export type ResolvedLocalStoreOptions = z.output<typeof localStoreOptionsSchema>;

/** Validates options; throws PLUGIN_OPTIONS_INVALID listing each problem with its dot path. */
export function parseOptions(input: unknown): ResolvedLocalStoreOptions {
  const result = localStoreOptionsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...base, k].join('.')) : [base.join('.') || '(options)'];
    const message = issue.code === 'unrecognized_keys' ? 'unknown option' : issue.message;
    return paths.map((path) => new AeroError(ErrorCodes.PLUGIN_OPTIONS_INVALID, `localStore: \`${path}\`: ${message}`, { plugin: PLUGIN }));
  });
  throw new AeroAggregateError(ErrorCodes.PLUGIN_OPTIONS_INVALID, 'Invalid options for localStore():', issues, {
    plugin: PLUGIN,
    hint: 'Fix the options listed above in aero.config.ts; see the @aeroml/store-local README.',
  });
}
