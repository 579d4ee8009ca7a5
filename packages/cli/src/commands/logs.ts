import type { ActionEntry, RunRecord } from '@aeroml/core';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import { shellQuote } from '../did-you-mean.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

export default async function logs(args: ParsedArgs, io: IO): Promise<number> {
  const [runRef, action] = args.positionals;
  const { getRun, readLog, findEntry } = await import('@aeroml/core');
  if (!runRef || !action) throw new UsageError('`aero logs` needs a run and an action: `aero logs RUN ACTION`.', await missingActionHint(args, runRef));
  const aero = await openProject(args);
  try {
    const run = await getRun(aero, runRef);
    const entry = findEntry(run, action);
    const text = await readLog(aero, run, entry.id);
    if (text) io.raw(text);
    else io.err(`[aero] ${noLog(run, entry)}`);
    return 0;
  } finally {
    await aero.close();
  }
}

/**
 * `aero logs RUN` (or a bare `aero logs`): the hint is a command that prints a log of that
 * run (the newest one for a bare `aero logs`), naming one of its instances: the first that
 * failed, else the first. A RUN that matches no run is refused as such (RUN_NOT_FOUND).
 * A bare `aero logs` where there is nothing to name (no project, no run) gets the help.
 */
async function missingActionHint(args: ParsedArgs, runRef: string | undefined): Promise<{ hint?: string }> {
  const { getRun } = await import('@aeroml/core');
  const ref = runRef ?? 'latest';
  let run: RunRecord;
  try {
    const aero = await openProject(args);
    try {
      run = await getRun(aero, ref);
    } finally {
      await aero.close();
    }
  } catch (error) {
    if (runRef) throw error;
    return {};
  }
  const show = `\`aero show ${shellQuote(ref)}\` lists its instances`;
  const failed = run.actions.find((a) => a.status === 'failed');
  const instance = failed ?? run.actions[0];
  if (!instance) return { hint: `Run ${run.id} has no instances; ${show}.` };
  const command = `aero logs ${shellQuote(ref)} ${shellQuote(instance.id)}`;
  return {
    hint: failed
      ? `\`${instance.id}\` failed in run ${run.id}: \`${command}\` prints its log; ${show}.`
      : `\`${command}\` prints the log of \`${instance.id}\`, the first instance of run ${run.id}; ${show}.`,
  };
}

/**
 * Why an instance has no log.txt (exit 0: it is what is there, as for a cached instance).
 * log.txt is written when an instance finishes: one of a run still in progress may have
 * none yet; one of a run interrupted before it finished (Ctrl-C, or a process that died:
 * listRuns reports such a run as `interrupted`) never gets one.
 */
function noLog(run: RunRecord, entry: ActionEntry): string {
  const unfinished = entry.status === 'pending' || entry.status === 'interrupted';
  if (unfinished && run.status === 'running') {
    return `\`${entry.id}\` in run ${run.id} has not finished yet, so it has no log: an instance's log is written when it finishes. Run \`aero logs ${run.id} ${shellQuote(entry.id)}\` again then.`;
  }
  if (unfinished && run.status === 'interrupted') {
    const rerun = run.overrides.length > 0 ? `aero run --from ${run.id}` : 'aero run';
    return `\`${entry.id}\` in run ${run.id} has no log: the run was interrupted before \`${entry.id}\` finished. \`${rerun}\` runs it again.`;
  }
  return `\`${entry.id}\` in run ${run.id} wrote no log (status: ${entry.status}${entry.status === 'cached' ? '; cached actions do not run' : ''}).`;
}
