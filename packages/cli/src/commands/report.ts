import { resolve, sep } from 'node:path';
import { UsageError, type ParsedArgs } from '../args.js';
import { formatBytes, type IO } from '../io.js';
import { openProject } from '../project.js';

/** `aero report [RUN...] --out report.html`: one self-contained HTML file, no network requests. */
export default async function report(args: ParsedArgs, io: IO): Promise<number> {
  const given = args.values.out;
  // An empty --out would be the project folder itself, and a folder is no report file.
  if (typeof given === 'string' && given.trim() === '') throw new UsageError('`--out` needs a file name, got an empty one.', { hint: 'aero report --out report.html' });
  if (typeof given === 'string' && (given.endsWith('/') || given.endsWith(sep))) throw new UsageError(`\`--out ${given}\` names a folder; the report is one file.`, { hint: `Name the file: aero report --out report.html (or a file in a folder that exists, e.g. --out ${given}report.html)` });
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
