import { parsePluginOptions, type AssetHandler, type PluginBase } from '@aeroml/core';
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

/** What a handler's setup returns for values of type T (the contract without identity). */
export type HandlerOf<T, R = Record<string, unknown>, W = Record<string, unknown>> = Omit<AssetHandler<T, R, W>, keyof PluginBase>;

/**
 * Validates options with core's parsePluginOptions: one PLUGIN_OPTIONS_INVALID listing
 * every problem with its dot path, e.g. ``- `delimiter`: must be exactly one character``.
 * Used where a value is checked outside a factory (textHandlers(), csv per-call options).
 */
export function parseOptions<S extends z.ZodType>(factory: string, schema: S, input: unknown): z.output<S> {
  return parsePluginOptions(schema, input, { packageName: PLUGIN, factory });
}
