import { z } from 'zod';

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
