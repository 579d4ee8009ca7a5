import { z } from 'zod';
import { AeroError, ErrorCodes } from '@aeroml/core';
import { PLUGIN } from './errors.js';

/** Options of `npyHandlers()`; every write option can also be passed per write. */
export const npyOptionsSchema = z
  .object({
    /** Byte order of written payloads (reading accepts both). */
    byteOrder: z.enum(['little', 'big']).default('little'),
    /** NPY format version to write; `auto` picks 1.0, or 2.0 when the header needs it (like numpy). */
    version: z.enum(['auto', '1.0', '2.0', '3.0']).default('auto'),
    /** `.npz` members: `stored` like np.savez, `deflated` like np.savez_compressed. */
    compression: z.enum(['stored', 'deflated']).default('stored'),
    /** zlib level for deflated `.npz` members (0-9). */
    compressionLevel: z.number().int().min(0).max(9).default(6),
    /** Bytes handed to the OS (or zlib) per write; big-endian output is swapped through a scratch buffer of this size. */
    chunkSize: z
      .number()
      .int()
      .min(64 * 1024)
      .max(1 << 30)
      .default(16 * 1024 * 1024),
  })
  .strict();

export type NpyOptions = z.input<typeof npyOptionsSchema>;
export type ResolvedNpyOptions = z.output<typeof npyOptionsSchema>;

/** Per-write options (override the factory's). */
export const npyWriteOptionsSchema = npyOptionsSchema.partial();
export type NpyWriteOptions = z.input<typeof npyWriteOptionsSchema>;

/** Validates options; problems become one PLUGIN_OPTIONS_INVALID listing each with its dot path. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, context: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${context}: \`${[...path, key].join('.')}\`: unknown option`);
    return [`${context}: \`${path.join('.') || '(options)'}\`: ${issue.message}`];
  });
  throw new AeroError(ErrorCodes.PLUGIN_OPTIONS_INVALID, `Invalid options:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
    plugin: PLUGIN,
    hint: 'Fix the options listed above (see the @aeroml/handler-npy README, section Options).',
  });
}
