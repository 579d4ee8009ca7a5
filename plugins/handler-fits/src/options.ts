import { z } from 'zod';

const chunkSize = z
  .number()
  .int()
  .min(64 * 1024)
  .max(1 << 30);

/** Options of `fitsHandler()`. */
export const fitsOptionsSchema = z
  .object({
    /** Write CHECKSUM and DATASUM cards in every HDU. */
    checksum: z.boolean().default(false),
    /** Verify CHECKSUM/DATASUM of the HDUs read, when the file has them. */
    verifyChecksums: z.boolean().default(true),
    /** Apply BSCALE/BZERO to image data on read (false: stored values, cards kept in the header). */
    scale: z.boolean().default(true),
    /** Bytes per read/write call; byte-order conversion happens in place or through one scratch chunk of this size. */
    chunkSize: chunkSize.default(16 * 1024 * 1024),
  })
  .strict();

export type FitsOptions = z.input<typeof fitsOptionsSchema>;
export type ResolvedFitsOptions = z.output<typeof fitsOptionsSchema>;

const hduSelector = z.union([z.number().int().min(0), z.string().min(1), z.object({ name: z.string().min(1), ver: z.number().int().optional() }).strict()]);

/** Per-read options. */
export const fitsReadOptionsSchema = z
  .object({
    /**
     * HDU to read: index (0 = primary), EXTNAME, or { name, ver }. Default: what was written —
     * the only HDU, the extension after an empty primary, or `{ hdus }` for several.
     */
    hdu: hduSelector.optional(),
    /** Read every HDU: the result is `{ hdus: [...] }`. */
    all: z.boolean().optional(),
    scale: z.boolean().optional(),
    verifyChecksums: z.boolean().optional(),
    /** Binary tables: read only these columns. */
    columns: z.array(z.string()).optional(),
  })
  .strict();
export type FitsReadOptions = z.input<typeof fitsReadOptionsSchema>;

/** Per-write options. */
export const fitsWriteOptionsSchema = z.object({ checksum: z.boolean().optional(), chunkSize: chunkSize.optional() }).strict();
export type FitsWriteOptions = z.input<typeof fitsWriteOptionsSchema>;
