import type { ParsedArgs } from '../args.js';
import { listOption, UsageError } from '../args.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

export default async function why(args: ParsedArgs, io: IO): Promise<number> {
  const [selector, ...overrides] = args.positionals;
  if (!selector) throw new UsageError('`aero why` needs an action name: aero why train');
  const core = await import('@aeroml/core');
  const aero = await openProject(args, overrides);
  // Pins (config `use:` and --use) change what a consumer reads and remove their producer.
  const pins = await core.resolvePins(aero, [...aero.use, ...listOption(args.values.use)]);
  const reports = await core.why(aero, selector, { pins });
  for (const r of reports) {
    if (args.values.json) {
      io.out(JSON.stringify(r));
      continue;
    }
    const verdict = r.decision === 'cached' ? 'is cached' : r.decision === 'blocked' ? 'will run after its upstream' : r.decision === 'pinned' ? 'is pinned' : 'will run';
    io.out(`${r.instanceId} ${verdict}${r.cacheKey ? ` (key ${r.cacheKey.slice(0, 12)})` : ''}:`);
    for (const reason of r.reasons) io.out(`  - ${reason}`);
  }
  await aero.close();
  return 0;
}
