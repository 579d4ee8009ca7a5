import type { ParsedArgs } from '../args.js';
import { intOption } from '../args.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

export default async function gc(args: ParsedArgs, io: IO): Promise<number> {
  const core = await import('@aeroml/core');
  const aero = await openProject(args);
  const keepRuns = intOption('keep-runs', args.values['keep-runs']);
  const report = await core.gc(aero, { dryRun: Boolean(args.values['dry-run']), ...(keepRuns ? { keepRuns } : {}) });
  if (args.values.json) io.out(JSON.stringify(report));
  else {
    const verb = report.dryRun ? 'would remove' : 'removed';
    io.out(`${verb} ${report.removedBlobs} blob(s), ${report.removedManifests} manifest(s), ${report.removedCacheEntries} cache entr${report.removedCacheEntries === 1 ? 'y' : 'ies'}`);
    for (const runId of report.removedScratch) io.out(`  work folder of killed run ${runId} (runs/${runId}/.scratch)`);
    for (const item of report.storeHousekeeping) io.out(`  store: ${item}`);
  }
  await aero.close();
  return 0;
}
