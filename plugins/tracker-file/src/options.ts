import { z } from 'zod';
import { AeroError } from '@aero/core';

export const fileTrackerOptionsSchema = z
  .object({
    /**
     * Also write one folder per cached action instance. Off by default: a cached rerun of
     * 10,000 instances would otherwise write 10,000 folders; cached instances are listed
     * in the run's tracker.json instead.
     */
    cachedActionFiles: z.boolean().default(false),
  })
  .strict();

export type FileTrackerOptions = z.input<typeof fileTrackerOptionsSchema>;

export function parseOptions(options: unknown): z.output<typeof fileTrackerOptionsSchema> {
  const result = fileTrackerOptionsSchema.safeParse(options ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `fileTracker: \`${i.path.join('.') || '(options)'}\`: ${i.message}`);
  throw new AeroError('PLUGIN_OPTIONS_INVALID', `Invalid options for fileTracker():\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
    plugin: '@aero/tracker-file',
    hint: 'See the Options table in the @aero/tracker-file README.',
  });
}
