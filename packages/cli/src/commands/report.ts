import { resolve } from 'node:path';
import type { ParsedArgs } from '../args.js';
import { formatBytes, type IO } from '../io.js';
import { openProject } from '../project.js';

/** `aero report [RUN...] --out report.html`: one self-contained HTML file, no network requests. */
export default async function report(args: ParsedArgs, io: IO): Promise<number> {
  const { writeReport } = await import('@aeroml/ui');
  const aero = await openProject(args);
  const cwd = aero.cwd;
  const out = resolve(cwd, typeof args.values.out === 'string' ? args.values.out : 'report.html');
  try {
    const runs = args.positionals.length > 0 ? args.positionals : ['latest'];
    const bytes = await writeReport(aero, out, { runs });
    if (args.values.json) io.out(JSON.stringify({ type: 'report:written', path: out, bytes, runs }));
    else io.out(`aero report: ${runs.join(' ')} → ${out} (${formatBytes(bytes)}, self-contained: open it in any browser, offline)`);
  } finally {
    await aero.close();
  }
  return 0;
}
