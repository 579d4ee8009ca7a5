import type { ParsedArgs } from '../args.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

export default async function sync(args: ParsedArgs, io: IO): Promise<number> {
  const { AeroError, getRun } = await import('@aeroml/core');
  const { join } = await import('node:path');
  const aero = await openProject(args);
  const wanted = args.positionals[0];
  const trackers = aero.plugins.trackers.filter((t) => t.sync && (!wanted || t.name === wanted));
  if (trackers.length === 0) {
    await aero.close();
    throw new AeroError('TRACKER_FAILED', wanted ? `No configured tracker \`${wanted}\` can sync.` : 'None of the configured trackers keeps data to sync.', {
      hint: `Configured trackers: ${aero.plugins.trackers.map((t) => t.name).join(', ') || '(none)'}.`,
    });
  }
  const runsRoot = join(aero.dir, 'runs');
  const runDir = typeof args.values.run === 'string' ? join(runsRoot, (await getRun(aero, args.values.run)).id) : undefined;
  let remaining = 0;
  for (const tracker of trackers) {
    await aero.initTracker(tracker);
    const result = await tracker.sync!({ runsRoot, ...(runDir ? { runDir } : {}) });
    remaining += result.remaining;
    io.out(`${tracker.name}: pushed ${result.pushed}, ${result.remaining} left`);
  }
  await aero.close();
  return remaining > 0 ? 1 : 0;
}
