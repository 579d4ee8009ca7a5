import { AeroAggregateError, AeroError, ErrorCodes } from '@aeroml/core';
import { z } from 'zod';
import { PLUGIN } from './errors.js';

/** Options of `csvHandler()`, also accepted per call by `read`/`write`. */
export const csvOptionsSchema = z.strictObject({
  /** First row holds column names: read gives records; `false` gives `string[][]`. */
  header: z.boolean().default(true),
  /** Parse fields that look like decimal numbers (`-1.5e3`) into numbers on read. */
  numbers: z.boolean().default(false),
  /** Field separator, one character other than a quote or a line break. */
  delimiter: z
    .string()
    .length(1, 'must be exactly one character')
    .refine((d) => d !== '"' && d !== '\n' && d !== '\r', 'must not be a quote or a line break')
    .default(','),
  /** Line break written after each record (both are read). */
  newline: z.enum(['\n', '\r\n'], { error: 'must be "\\n" or "\\r\\n"' }).default('\n'),
});
export type CsvOptions = z.input<typeof csvOptionsSchema>;
export type ResolvedCsvOptions = z.output<typeof csvOptionsSchema>;

/** Options of `textHandlers()`: per-handler options for the ones that have any. */
export const textHandlersOptionsSchema = z.strictObject({
  csv: csvOptionsSchema.optional(),
});
export type TextHandlersOptions = z.input<typeof textHandlersOptionsSchema>;

/** The handlers without options take none; anything passed is a mistake worth reporting. */
export const noOptionsSchema = z.strictObject({});

/**
 * Validates factory options; throws PLUGIN_OPTIONS_INVALID listing every problem with its
 * dot path, e.g. ``csvHandler: `delimiter`: Too big: expected string to have <=1 characters``.
 */
export function parseOptions<S extends z.ZodType>(factory: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...base, k].join('.')) : [base.join('.') || '(options)'];
    const message = issue.code === 'unrecognized_keys' ? 'unknown option' : issue.message;
    return paths.map((path) => new AeroError(ErrorCodes.PLUGIN_OPTIONS_INVALID, `${factory}: \`${path}\`: ${message}`, { plugin: PLUGIN }));
  });
  return throwInvalid(factory, issues);
}

function throwInvalid(factory: string, issues: AeroError[]): never {
  throw new AeroAggregateError(ErrorCodes.PLUGIN_OPTIONS_INVALID, `Invalid options for ${factory}():`, issues, {
    plugin: PLUGIN,
    hint: 'Fix the options listed above in aero.config.ts; see the @aeroml/handler-text README for every option.',
  });
}
