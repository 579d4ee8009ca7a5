import type { ParsedArgs } from '../args.js';
import { formatBytes, table, type IO } from '../io.js';
import { openProject } from '../project.js';

export default async function artifacts(args: ParsedArgs, io: IO): Promise<number> {
  const { listArtifacts } = await import('@aeroml/core');
  const aero = await openProject(args);
  const list = await listArtifacts(aero, args.positionals[0]);
  if (args.values.json) for (const a of list) io.out(JSON.stringify(a));
  else if (list.length === 0) io.out('No artifacts yet. Run the pipeline with `aero run`.');
  else {
    io.out(table([['ARTIFACT', 'VERSION', 'HANDLER', 'FILES', 'SIZE', 'PARTITION'], ...list.map((a) => [a.name, a.digest.slice(0, 12), a.handler, String(a.files), formatBytes(a.bytes), a.partition ? Object.entries(a.partition).map(([k, v]) => `${k}=${v}`).join(',') : ''])]));
  }
  await aero.close();
  return 0;
}
