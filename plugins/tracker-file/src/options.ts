import { z } from 'zod';

export const fileTrackerOptionsSchema = z.strictObject({
  /**
   * fsync every appended line or batch and every rewritten JSON file (and the folder of a
   * file just created) before the call resolves, so they survive a power loss too (a
   * process crash never loses an acknowledged call either way). Slower: one disk flush per call.
   */
  fsync: z.boolean().default(false),
});
export type FileTrackerOptions = z.input<typeof fileTrackerOptionsSchema>;
