import type { ParsedArgs } from '../args.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

/** Rehashes the store; lists what is bad, quarantines it, and fails (exit 1) when something was. */
export default async function verify(args: ParsedArgs, io: IO): Promise<number> {
  const core = await import('@aeroml/core');
  const aero = await openProject(args);
  try {
    const report = await core.verify(aero, { dryRun: Boolean(args.values['dry-run']) });
    if (args.values.json) io.out(JSON.stringify(report));
    else {
      io.out(`checked ${report.blobs} blob(s) (${formatBytes(report.bytes)}) and ${report.manifests} manifest(s)`);
      for (const p of report.problems) {
        const used = p.usedBy.length ? `, used by ${p.usedBy.join(', ')}` : '';
        const moved = p.quarantinedAs ? `; moved to ${p.quarantinedAs}` : '';
        io.out(`  bad ${p.kind} ${p.key}: its bytes hash to ${p.actual.slice(0, 12)}${used}${moved}`);
      }
    }
    const error = core.storeCorruptError(report, aero.cwd, aero.plugins.store);
    if (error) throw error;
    return 0;
  } finally {
    await aero.close();
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
