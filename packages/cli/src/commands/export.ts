import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

/** `aero export <action>[.<output>] [--run RUN] --to DIR [--layout TEMPLATE]`: plain files, never stale. */
export default async function exportCommand(args: ParsedArgs, io: IO): Promise<number> {
  const [target, ...extra] = args.positionals;
  if (!target || extra.length > 0) throw new UsageError('`aero export` needs one action or output: aero export prep --to out/, or aero export prep.data --to out/');
  if (typeof args.values.to !== 'string') throw new UsageError('`aero export` needs --to DIR: the folder the files go to.');
  const core = await import('@aeroml/core');
  const aero = await openProject(args);
  let report;
  try {
    report = await core.exportArtifacts(aero, {
      target,
      to: args.values.to,
      ...(typeof args.values.run === 'string' ? { run: args.values.run } : {}),
      ...(typeof args.values.layout === 'string' ? { layout: args.values.layout } : {}),
      ...(args.values.copy ? { copy: true } : {}),
    });
  } finally {
    await aero.close();
  }
  if (args.values.json) {
    io.out(JSON.stringify(report, null, 2));
    return 0;
  }
  for (const f of report.files) io.out(`${f.status.padEnd(9)} ${f.path}  (${f.artifact}@${f.digest.slice(0, 12)})`);
  const { written, replaced, unchanged } = report.counts;
  io.out(`Exported ${report.files.length} file(s) of ${target} from run ${report.runId} to ${args.values.to}: ${written} written, ${replaced} replaced, ${unchanged} unchanged.`);
  return 0;
}
