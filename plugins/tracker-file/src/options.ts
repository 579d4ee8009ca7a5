import { z } from 'zod';

export const fileTrackerOptionsSchema = z.strictObject({
  /**
   * fsync every appended line or batch and every rewritten JSON file (and the folder of a
   * file just created) before it counts as written, so they survive a power loss too.
   * Slower: one disk flush per write (per batch for the event log).
   */
  fsync: z.boolean().default(false),
  /**
   * Milliseconds the lines of the event log (`actions.jsonl`) are collected before they
   * are written together; `flush`, `endRun`, `close` and an instance's first metrics
   * batch write them at once. 0 writes each event when it is logged.
   */
  eventBatchMs: z.number().int().min(0).max(60_000).default(100),
});
export type FileTrackerOptions = z.input<typeof fileTrackerOptionsSchema>;
