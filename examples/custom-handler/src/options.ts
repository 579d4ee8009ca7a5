import { z } from 'zod';

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
