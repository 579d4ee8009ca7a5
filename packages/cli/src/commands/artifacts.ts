import type { ParsedArgs } from '../args.js';
import { formatBytes, table, type IO } from '../io.js';
import { openProject } from '../project.js';

export default async function artifacts(args: ParsedArgs, io: IO): Promise<number> {
  const { listArtifacts, listTags } = await import('@aeroml/core');
  const aero = await openProject(args);
  const list = await listArtifacts(aero, args.positionals[0]);
  // `aero tag` names: shown next to the versions they name.
  const tags = new Map<string, string[]>();
  for (const t of await listTags(aero.plugins.store, args.positionals[0])) for (const v of t.versions) tags.set(`${t.artifact}@${v.digest}`, [...(tags.get(`${t.artifact}@${v.digest}`) ?? []), t.tag]);
  const tagsOf = (a: { name: string; digest: string }) => tags.get(`${a.name}@${a.digest}`) ?? [];
  if (args.values.json) for (const a of list) io.out(JSON.stringify({ ...a, tags: tagsOf(a) }));
  else if (list.length === 0) io.out('No artifacts yet. Run the pipeline with `aero run`.');
  else {
    io.out(table([['ARTIFACT', 'VERSION', 'HANDLER', 'FILES', 'SIZE', 'PARTITION', 'TAGS'], ...list.map((a) => [a.name, a.digest.slice(0, 12), a.handler, String(a.files), formatBytes(a.bytes), a.partition ? Object.entries(a.partition).map(([k, v]) => `${k}=${v}`).join(',') : '', tagsOf(a).join(',')])]));
  }
  await aero.close();
  return 0;
}
