import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import { table, type IO } from '../io.js';
import { openProject } from '../project.js';

/** `aero tag <action>.<output>[@version] <tag>` and `aero tag --list [ARTIFACT]`. */
export default async function tag(args: ParsedArgs, io: IO): Promise<number> {
  const core = await import('@aeroml/core');
  if (args.values.list) {
    if (args.positionals.length > 1) throw new UsageError('`aero tag --list` takes at most an artifact: aero tag --list prep.data');
    const artifact = args.positionals[0];
    if (artifact?.includes('@')) throw new UsageError(`\`aero tag --list\` takes an artifact without a version: aero tag --list ${artifact.slice(0, artifact.indexOf('@'))}`);
    const aero = await openProject(args);
    try {
      const tags = await core.listTags(aero.plugins.store, artifact);
      // A typo must not read as "no tags": with none found, the name has to be an output of
      // the pipeline (tags of an action since removed from the config are still listed).
      if (artifact !== undefined && tags.length === 0) core.parseArtifactRef(artifact, aero.actions, 'aero tag --list');
      if (args.values.json) for (const t of tags) io.out(JSON.stringify(t));
      else if (tags.length === 0) io.out(`No tags${artifact ? ` on ${artifact}` : ''} yet. Name a version with: aero tag <action>.<output> <tag>`);
      else {
        io.out(table([['ARTIFACT', 'TAG', 'VERSION', 'UPDATED', 'MOVES'], ...tags.map((t) => [t.artifact, t.tag, versions(t.versions.map((v) => v.digest)), t.updatedAt, String(t.history.length - 1)])]));
      }
    } finally {
      await aero.close();
    }
    return 0;
  }
  const [ref, name, ...extra] = args.positionals;
  if (!ref || !name || extra.length > 0) throw new UsageError('`aero tag` needs an artifact and a tag: aero tag prep.data best, or aero tag prep.data@<digest|run> best');
  const aero = await openProject(args);
  try {
    const result = await core.tagArtifact(aero, ref, name);
    const mirror = result.change === 'unchanged' ? { mirrored: [], warnings: [] } : await core.mirrorTag(aero, result);
    const digests = result.record.versions.map((v) => v.digest);
    if (args.values.json) {
      io.out(JSON.stringify({ artifact: result.record.artifact, tag: name, change: result.change, from: result.from, digests, ...(result.previous ? { previous: result.previous } : {}), mirrored: mirror.mirrored }));
    } else if (result.change === 'unchanged') {
      io.out(`${result.record.artifact}@${name} already names ${versions(digests)}; nothing changed.`);
    } else if (result.change === 'moved') {
      io.out(`Moved ${result.record.artifact}@${name}: ${versions(result.previous!)} → ${versions(digests)} (from ${result.from}). The move is kept in its history: aero tag --list ${result.record.artifact} --json`);
    } else {
      io.out(`Tagged ${result.record.artifact}@${name} → ${versions(digests)} (from ${result.from}).`);
    }
    if (mirror.mirrored.length > 0 && !args.values.json) io.out(`Mirrored to ${mirror.mirrored.join(', ')}.`);
    for (const w of mirror.warnings) io.err(`[aero] warning: ${w}`);
  } finally {
    await aero.close();
  }
  return 0;
}

function versions(digests: string[]): string {
  return digests.length === 1 ? digests[0]!.slice(0, 12) : `${digests.length} versions (${digests.slice(0, 2).map((d) => d.slice(0, 12)).join(', ')}${digests.length > 2 ? ', …' : ''})`;
}
