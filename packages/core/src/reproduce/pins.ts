import type { Action } from '../define.js';
import { AeroAggregateError, AeroError, ErrorCodes } from '../errors.js';
import type { AeroProject } from '../project.js';
import { parseArtifactRef } from './refs.js';
import type { PinnedOutput, PinRecord } from './pin-types.js';
import { resolveVersions } from './versions.js';

export type { PinnedOutput, PinRecord } from './pin-types.js';

/**
 * Resolves `--use` specs (and config `use:`) before anything is planned or run. Every
 * problem is reported at once: an unknown output, an output no action consumes, an
 * unknown tag, an ambiguous digest prefix, two pins of one output.
 */
export async function resolvePins(aero: AeroProject, specs: readonly string[]): Promise<PinnedOutput[]> {
  if (specs.length === 0) return [];
  const actions = aero.actions;
  const issues: AeroError[] = [];
  const pins: PinnedOutput[] = [];
  const seen = new Map<string, string>();
  for (const spec of specs) {
    try {
      const ref = parseArtifactRef(spec, actions, '--use');
      if (ref.version === undefined) {
        throw new AeroError(ErrorCodes.PIN_INVALID, `--use \`${spec}\` names no version.`, {
          hint: `Add @<tag|digest-prefix|run-id>, e.g. --use ${ref.artifact}@latest for the newest.`,
        });
      }
      const earlier = seen.get(ref.artifact);
      if (earlier !== undefined) {
        if (earlier === spec) continue; // the same pin twice (config and command line) is one pin
        throw new AeroError(ErrorCodes.PIN_INVALID, `--use pins ${ref.artifact} twice: \`${earlier}\` and \`${spec}\`.`, { hint: 'Keep one of them (a command-line --use does not replace a `use:` of the config).' });
      }
      seen.set(ref.artifact, spec);
      const consumers = consumersOf(actions, ref.action, ref.output);
      if (consumers.length === 0) {
        throw new AeroError(ErrorCodes.PIN_NOT_CONSUMED, `--use \`${spec}\`: no action takes ${ref.artifact} as an input, so pinning it changes nothing.`, {
          hint: `Pin an output some action reads; \`aero graph\` shows which outputs feed which actions.`,
        });
      }
      const resolved = await resolveVersions(aero, ref, '--use');
      // A version whose manifest is gone (gc) would fail its consumers mid-run: say so now.
      for (const v of resolved.versions) await aero.artifacts.getManifest(ref.artifact, v.digest);
      pins.push({ spec, action: ref.action, output: ref.output, artifact: ref.artifact, via: resolved.via, label: resolved.label, versions: resolved.versions });
    } catch (error) {
      if (!(error instanceof AeroError)) throw error;
      issues.push(error);
    }
  }
  if (issues.length === 1) throw issues[0]!;
  if (issues.length > 1) throw new AeroAggregateError(ErrorCodes.PLAN_INVALID, `--use has ${issues.length} problems; nothing was run:`, issues);
  return pins;
}

/** Pins as a run record keeps them: the record can replay them without the tags (which may move). */
export function pinRecords(pins: readonly PinnedOutput[]): PinRecord[] {
  return pins.map((p) => ({ spec: p.spec, artifact: p.artifact, via: p.via, label: p.label, versions: p.versions }));
}

/** Pins from a run record (aero rerun): the same versions, whatever the tags say today. */
export function pinsFromRecords(records: readonly PinRecord[]): PinnedOutput[] {
  return records.map((r) => {
    const dot = r.artifact.indexOf('.');
    return { spec: r.spec, action: r.artifact.slice(0, dot), output: r.artifact.slice(dot + 1), artifact: r.artifact, via: r.via, label: r.label, versions: r.versions };
  });
}

function consumersOf(actions: readonly Action[], action: string, output: string): string[] {
  return actions.filter((a) => Object.values(a.inputs).some((ref) => ref.action === action && ref.output === output)).map((a) => a.name);
}
