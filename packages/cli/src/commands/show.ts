import type { ParsedArgs } from '../args.js';
import { formatDuration, table, type IO } from '../io.js';
import { openProject } from '../project.js';

export default async function show(args: ParsedArgs, io: IO): Promise<number> {
  const { getRun, readSnapshot } = await import('@aeroml/core');
  const aero = await openProject(args);
  const run = await getRun(aero, args.positionals[0] ?? 'latest');
  const snapshot = await readSnapshot(aero, run);
  if (args.values.json) {
    io.out(JSON.stringify({ ...run, snapshot }, null, 2));
    await aero.close();
    return 0;
  }
  io.out(`run       ${run.id}${run.name !== run.id ? ` (${run.name})` : ''}`);
  io.out(`status    ${run.status}${run.durationMs !== undefined ? ` in ${formatDuration(run.durationMs)}` : ''}`);
  io.out(`started   ${run.startedAt}  on ${run.host}`);
  io.out(`git       ${run.git.commit ?? '(not a git checkout)'}${run.git.dirty ? ' (dirty)' : ''}${run.git.branch ? ` on ${run.git.branch}` : ''}`);
  io.out(`launcher  ${run.launcher}${run.dev ? ' (dev)' : ''}${run.sweepId ? `  sweep ${run.sweepId}` : ''}`);
  io.out(`overrides ${run.overrides.length ? run.overrides.join(' ') : '(none)'}`);
  // --use pins: the versions this run took instead of running their producers.
  for (const pin of run.pins ?? []) io.out(`pinned    ${pin.spec} → ${pin.versions.map((v) => v.digest.slice(0, 12)).join(', ')}${pin.via === 'tag' ? ' (tag)' : pin.via === 'run' ? ' (run)' : ''}`);
  io.out('\nparams:');
  io.out(indent(JSON.stringify(run.params, null, 2)));
  io.out('\nactions:');
  const rows = [['ACTION', 'STATUS', 'DURATION', 'OUTPUTS', 'NOTE']];
  for (const a of run.actions) {
    const metrics = (a as { metrics?: Record<string, number> }).metrics;
    const note = a.error ? a.error.message.split('\n')[0]! : a.reason ?? (metrics ? Object.entries(metrics).map(([k, v]) => `${k}=${round(v)}`).join(' ') : '');
    rows.push([a.id, a.status, a.durationMs === undefined ? '-' : formatDuration(a.durationMs), Object.entries(a.outputs ?? {}).map(([k, d]) => `${k}@${d.slice(0, 10)}`).join(' ') || '-', note]);
  }
  io.out(indent(table(rows)));
  const sources = Object.keys(snapshot.sources).sort();
  io.out(`\nsnapshot: ${sources.length} source file(s)${sources.length ? `: ${sources.join(', ')}` : ''}`);
  if (args.values.sources) {
    for (const file of sources) io.out(`\n--- ${file}\n${snapshot.sources[file]}`);
  }
  await aero.close();
  return 0;
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
