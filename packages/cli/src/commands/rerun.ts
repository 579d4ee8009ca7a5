import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import { table, type IO } from '../io.js';
import { execCommand, openProject } from '../project.js';

/** `aero rerun <run-id|latest>`: the run again, exactly, in a scratch store; exit 1 when any digest differs. */
export default async function rerun(args: ParsedArgs, io: IO): Promise<number> {
  const [ref, ...extra] = args.positionals;
  if (!ref || extra.length > 0) throw new UsageError('`aero rerun` needs one run: aero rerun <run-id|latest>');
  const core = await import('@aeroml/core');
  const { localStore } = await import('@aeroml/store-local');
  const { textHandlers } = await import('@aeroml/handler-text');
  const aero = await openProject(args);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  let report;
  try {
    report = await core.rerunRun(aero, ref, {
      scratchStore: (root) => localStore({ cwd: root, dir: '.' }),
      defaults: { handlers: () => textHandlers() },
      execCommand: execCommand(),
      signal: controller.signal,
      keep: Boolean(args.values.keep),
    });
  } finally {
    process.off('SIGINT', onSigint);
    await aero.close();
  }
  const differing = report.artifacts.filter((a) => !a.identical);
  if (args.values.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    io.out(`Reran ${report.runId} from ${report.source === 'snapshot' ? 'its snapshot' : `git commit ${report.commit!.slice(0, 12)} in a temporary worktree`} in a scratch store (the project's cache was not read or written).`);
    for (const note of report.notes) io.out(`note: ${note}`);
    if (args.values.keep) io.out(`The recreated code is kept in ${report.workDir}.`);
    if (report.identical) io.out(`All ${report.artifacts.length} artifact(s) are identical to the original run's.`);
    else {
      io.out(`${differing.length} of ${report.artifacts.length} artifact(s) differ from the original run's${report.status !== 'succeeded' ? ` (the rerun ${report.status})` : ''}${differing.length > 0 ? ':' : '.'}`);
      if (differing.length > 0) io.out(table([['INSTANCE', 'OUTPUT', 'ORIGINAL', 'RERUN'], ...differing.map((a) => [a.instance, a.output, a.original.slice(0, 12), a.rerun ? a.rerun.slice(0, 12) : '(not produced)'])]));
      // Why an output was not produced: a failure is no sign of nondeterminism.
      for (const f of report.failures) {
        io.out(`${f.instance} failed: ${f.code}: ${f.message}`);
        if (f.hint) io.out(`  hint: ${f.hint}`);
        if (f.log.length > 0) io.out(`  its log (last lines):\n${f.log.map((line) => `    ${line}`).join('\n')}`);
      }
    }
  }
  if (report.status === 'interrupted') return 130;
  return report.identical ? 0 : 1;
}
