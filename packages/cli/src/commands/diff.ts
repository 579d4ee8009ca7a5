import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import { table, type IO } from '../io.js';
import { openProject } from '../project.js';

/** `aero diff A B`: params, config, code, inputs and final metrics of two runs. */
export default async function diff(args: ParsedArgs, io: IO): Promise<number> {
  const [a, b, ...extra] = args.positionals;
  if (!a || !b || extra.length > 0) throw new UsageError('`aero diff` needs two runs: aero diff <run-a> <run-b>');
  const core = await import('@aeroml/core');
  const aero = await openProject(args);
  let d;
  try {
    d = await core.diffRuns(aero, a, b);
  } finally {
    await aero.close();
  }
  if (args.values.json) {
    io.out(JSON.stringify(d, null, 2));
    return 0;
  }
  const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));
  io.out(`aero diff ${d.a.id} ${d.b.id}`);
  section(io, 'params', d.params.map((c) => `${c.path}: ${show(c.before)} → ${show(c.after)}`));
  section(io, 'config', d.config.map((c) => `${c.path}: ${show(c.before)} → ${show(c.after)}`));
  section(io, 'inputs', d.inputs.map((c) => `${c.instance} ${c.input}: ${c.before.map((x) => x.slice(0, 12)).join(',') || '-'} → ${c.after.map((x) => x.slice(0, 12)).join(',') || '-'}`));
  io.out(`\ncode: ${d.code.length === 0 ? 'no changes' : `${d.code.length} file(s) ${d.code.map((c) => `${c.file} (${c.change})`).join(', ')}`}`);
  for (const c of d.code) io.out(c.patch.trimEnd());
  const num = (v: number | undefined) => (v === undefined ? '-' : Number.isInteger(v) ? String(v) : v.toPrecision(6));
  if (d.metrics.length === 0) io.out('\nmetrics: none logged');
  else {
    io.out('\nmetrics:');
    io.out(table([['INSTANCE', 'METRIC', d.a.id, d.b.id], ...d.metrics.map((m) => [m.instance, m.metric, num(m.a), num(m.b)])]).split('\n').map((l) => `  ${l}`).join('\n'));
  }
  return 0;
}

function section(io: IO, name: string, lines: string[]): void {
  io.out(`\n${name}: ${lines.length === 0 ? 'no changes' : ''}`.trimEnd());
  for (const line of lines) io.out(`  ${line}`);
}
