import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

export default async function logs(args: ParsedArgs, io: IO): Promise<number> {
  const [runRef, action] = args.positionals;
  if (!runRef || !action) throw new UsageError('`aero logs` needs a run and an action: aero logs latest train');
  const { getRun, readLog, findEntry } = await import('@aeroml/core');
  const aero = await openProject(args);
  const run = await getRun(aero, runRef);
  const entry = findEntry(run, action);
  const text = await readLog(aero, run, entry.id);
  if (text) io.raw(text);
  else io.err(`[aero] \`${entry.id}\` in run ${run.id} wrote no log (status: ${entry.status}${entry.status === 'cached' ? '; cached actions do not run' : ''}).`);
  await aero.close();
  return 0;
}
