import type { Aero } from '@aeroml/core';
import type { ParsedArgs } from '../args.js';
import { formatBytes, table, type IO } from '../io.js';
import { openProject } from '../project.js';

export default async function artifacts(args: ParsedArgs, io: IO): Promise<number> {
  const { listArtifacts, listTags } = await import('@aeroml/core');
  const aero = await openProject(args);
  try {
    const name = args.positionals[0];
    // A name that is no plain folder name (`.`, `../x`, `prep.data/`) names no artifact and
    // is no key prefix the store takes: it is refused here, as any unknown name is.
    const list = name !== undefined && !isArtifactName(name) ? [] : await listArtifacts(aero, name);
    if (list.length === 0 && name !== undefined) {
      const empty = await noMatch(aero, name);
      if (args.values.json) return 0;
      io.out(empty);
      return 0;
    }
    // `aero tag` names: shown next to the versions they name.
    const tags = new Map<string, string[]>();
    for (const t of await listTags(aero.plugins.store, name)) for (const v of t.versions) tags.set(`${t.artifact}@${v.digest}`, [...(tags.get(`${t.artifact}@${v.digest}`) ?? []), t.tag]);
    const tagsOf = (a: { name: string; digest: string }) => tags.get(`${a.name}@${a.digest}`) ?? [];
    if (args.values.json) for (const a of list) io.out(JSON.stringify({ ...a, tags: tagsOf(a) }));
    else if (list.length === 0) io.out('No artifacts yet. Run the pipeline with `aero run`.');
    else {
      io.out(table([['ARTIFACT', 'VERSION', 'HANDLER', 'FILES', 'SIZE', 'PARTITION', 'TAGS'], ...list.map((a) => [a.name, a.digest.slice(0, 12), a.handler, String(a.files), formatBytes(a.bytes), a.partition ? Object.entries(a.partition).map(([k, v]) => `${k}=${v}`).join(',') : '', tagsOf(a).join(',')])]));
    }
    return 0;
  } finally {
    await aero.close();
  }
}

/**
 * Whether `name` can be the name of an artifact, `<action>.<output>`: core refuses action and
 * output names that are not one plain folder name (no `/`, `\`, NUL, not `.` or `..`) before
 * anything runs, since the artifact is stored under `artifacts/<name>/`; a segment starting
 * `.aero-tmp-` is reserved for the store's temp files. An empty name names none either.
 */
function isArtifactName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && !name.startsWith('.aero-tmp-');
}

/**
 * `aero artifacts NAME` and the store has no version of NAME. An output of the pipeline that
 * has not been made yet, or an empty store, is said (exit 0); any other name is refused like
 * an unknown name elsewhere (ARTIFACT_NOT_FOUND, exit 2), with the nearest artifact names:
 * those of the action when NAME is an action's name.
 */
async function noMatch(aero: Aero, name: string): Promise<string> {
  const { AeroError, ErrorCodes, listArtifacts } = await import('@aeroml/core');
  const { didYouMean, nearestNames } = await import('../did-you-mean.js');
  const outputs = aero.actions.flatMap((a) => Object.keys(a.outputs).map((o) => ({ action: a.name, name: `${a.name}.${o}` })));
  const declared = outputs.find((o) => o.name === name);
  if (declared) return `No versions of ${name} yet. Make them with \`aero run --only ${declared.action}\`.`;
  const stored = [...new Set((await listArtifacts(aero)).map((a) => a.name))].sort();
  if (stored.length === 0) return 'No artifacts yet. Run the pipeline with `aero run`.';
  const known = [...new Set([...stored, ...outputs.map((o) => o.name)])].sort();
  const ofAction = known.filter((n) => n.slice(0, n.lastIndexOf('.')) === name);
  const near = ofAction.length > 0 ? ofAction.slice(0, 3) : await nearestNames(name, known);
  const listed = stored.length > 8 ? `${stored.slice(0, 8).join(', ')} and ${stored.length - 8} more` : stored.join(', ');
  throw new AeroError(ErrorCodes.ARTIFACT_NOT_FOUND, `No artifact is named \`${name}\`${ofAction.length > 0 ? `: \`${name}\` is an action, and an artifact is named ACTION.OUTPUT` : ''}.`, {
    hint: near.length > 0 ? await didYouMean(near) : `Artifacts in the store: ${listed}.`,
    details: { artifact: name, suggestions: near },
  });
}
