import { parsePluginOptions } from '@aeroml/core';
import { z } from 'zod';
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

/** Options of `npz.read` / `readNpz`; strict, so `{ array: ['b'] }` is refused instead of reading every array. */
export const npzReadOptionsSchema = z
  .object({
    /** Read only these arrays (by name, without `.npy`), in this order. Default: all. */
    arrays: z.array(z.string()).optional(),
  })
  .strict();
export type NpzReadOptions = z.input<typeof npzReadOptionsSchema>;

/** `npy.read` takes no options; an empty strict object refuses any key given by mistake. */
export const npyReadOptionsSchema = z.object({}).strict();

/** Options of `ndarray()`. */
export const ndarrayOptionsSchema = z.object({ fortranOrder: z.boolean().optional() }).strict();

/**
 * Refuses options that do not fit `schema` (unknown keys with the nearest valid name) as
 * PLUGIN_OPTIONS_INVALID, `Invalid <subject>:`; a typo must fail, not fall back to a default.
 */
export function checkOptions(schema: z.ZodType, options: unknown, subject: string): void {
  parsePluginOptions(schema, options, { packageName: PLUGIN, subject });
}
