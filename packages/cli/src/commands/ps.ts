import type { ParsedArgs } from '../args.js';
import { intOption } from '../args.js';
import { formatDuration, table, type IO } from '../io.js';
import { openProject } from '../project.js';

export default async function ps(args: ParsedArgs, io: IO): Promise<number> {
  const { listRuns } = await import('@aeroml/core');
  const aero = await openProject(args);
  const limit = args.values.all ? Infinity : intOption('limit', args.values.limit) ?? 20;
  const sweep = typeof args.values.sweep === 'string' ? args.values.sweep : undefined;
  const every = await listRuns(aero);
  const all = every.filter((r) => !sweep || r.sweepId === sweep);
  if (sweep !== undefined && all.length === 0 && every.length > 0) {
    await aero.close();
    throw await noSweep(sweep, every);
  }
  const runs = groupSweeps(all).slice(0, limit);
  if (args.values.json) {
    for (const r of runs) io.out(JSON.stringify({ id: r.id, name: r.name, status: r.status, startedAt: r.startedAt, durationMs: r.durationMs, counts: r.counts, sweepId: r.sweepId, git: r.git }));
  } else if (runs.length === 0) {
    io.out('No runs yet. Start one with `aero run`.');
  } else {
    const rows = [['RUN', 'STATUS', 'STARTED', 'DURATION', 'RAN', 'CACHED', 'FAILED', 'COMMIT', 'SWEEP']];
    for (const r of runs) {
      rows.push([
        r.id,
        r.status,
        r.startedAt.replace('T', ' ').slice(0, 19),
        r.durationMs === undefined ? '-' : formatDuration(r.durationMs),
        String(r.counts.ran),
        String(r.counts.cached),
        String(r.counts.failed),
        r.git.commit ? r.git.commit.slice(0, 8) + (r.git.dirty ? '+' : '') : '-',
        r.sweepId ?? '',
      ]);
    }
    io.out(table(rows));
  }
  await aero.close();
  return 0;
}

/**
 * `aero ps --sweep ID` where no run belongs to sweep ID, though there are runs: refused like
 * an unknown name elsewhere (RUN_NOT_FOUND, exit 2, as aero ui says for a sweep), with the
 * nearest sweep ids. Without any run, `aero ps` says there are none yet.
 */
async function noSweep(sweep: string, runs: Array<{ sweepId?: string | undefined }>): Promise<Error> {
  const { AeroError, ErrorCodes } = await import('@aeroml/core');
  const { didYouMean, nearestNames } = await import('../did-you-mean.js');
  const sweeps = [...new Set(runs.flatMap((r) => (r.sweepId ? [r.sweepId] : [])))];
  const near = await nearestNames(sweep, sweeps);
  const hint = near.length > 0
    ? await didYouMean(near)
    : sweeps.length > 0
      ? `Sweeps: ${sweeps.slice(0, 5).join(', ')}${sweeps.length > 5 ? ` and ${sweeps.length - 5} more` : ''} (the SWEEP column of \`aero ps\`).`
      : 'No run belongs to a sweep yet; a sweep is started with `aero run -m key=a,b`.';
  return new AeroError(ErrorCodes.RUN_NOT_FOUND, `No run belongs to sweep \`${sweep}\`.`, { hint, details: { sweep, suggestions: near } });
}

/**
 * Newest first, and the runs of one sweep stay together (at the position of the sweep's
 * newest run) so a sweep reads as one block; inside it newest first too, so the first row
 * is always `latest` and `--limit N` keeps the newest runs.
 */
export function groupSweeps<T extends { sweepId?: string | undefined }>(runs: T[]): T[] {
  const out: T[] = [];
  const placed = new Set<string>();
  for (const run of runs) {
    if (!run.sweepId) {
      out.push(run);
      continue;
    }
    if (placed.has(run.sweepId)) continue;
    placed.add(run.sweepId);
    out.push(...runs.filter((r) => r.sweepId === run.sweepId));
  }
  return out;
}
