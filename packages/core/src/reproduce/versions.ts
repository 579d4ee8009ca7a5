import { AeroError, ErrorCodes } from '../errors.js';
import type { AeroProject } from '../project.js';
import { listRuns } from '../queries/runs.js';
import type { RunRecord } from '../runs.js';
import { didYouMean, nearestNames } from '../suggest.js';
import type { ArtifactVersion, PinnedOutput } from './pin-types.js';
import type { ArtifactRefText } from './refs.js';
import { listTags, readTag } from './tag-store.js';

export type { ArtifactVersion } from './pin-types.js';

/**
 * The versions a ref names. One for an unpartitioned output; for a partitioned one, a
 * run (or a tag made from a run) names one version per instance.
 */
export interface ResolvedVersions extends ArtifactRefText {
  via: PinnedOutput['via'];
  /** How to show it: `prep.data@best`, `prep.data@20260101-…`, `prep.data@3fa9c1d2e4b5`. */
  label: string;
  versions: ArtifactVersion[];
  runId?: string;
  tag?: string;
}

const DIGEST_PREFIX_MIN = 4;

/** The versions of `ref` (tag, run, digest prefix, or the newest when it names none). */
export async function resolveVersions(aero: AeroProject, ref: ArtifactRefText, what: string): Promise<ResolvedVersions> {
  const runs = await listRuns(aero);
  if (ref.version === undefined) {
    for (const run of runs) {
      const versions = versionsFromRun(run, ref);
      if (versions.length > 0) return { ...ref, via: 'newest', label: `${ref.artifact}@${run.id}`, versions, runId: run.id };
    }
    throw new AeroError(ErrorCodes.ARTIFACT_NOT_FOUND, `${what} ${ref.artifact}: no run has produced it yet.`, { hint: `Run the pipeline first: aero run --only ${ref.action}` });
  }
  const version = ref.version;
  const tag = await readTag(aero.plugins.store, ref.artifact, version);
  if (tag) {
    // A run named like the tag, with other versions: which one was meant cannot be guessed.
    const named = runs.find((r) => r.name === version && r.id !== version && versionsFromRun(r, ref).length > 0);
    const digests = (versions: ArtifactVersion[]) => versions.map((v) => v.digest).sort().join(',');
    if (named && digests(versionsFromRun(named, ref)) !== digests(tag.versions)) {
      throw new AeroError(ErrorCodes.PIN_AMBIGUOUS, `${what} ${ref.artifact}@${version} is ambiguous: \`${version}\` is a tag of ${ref.artifact} and the name of run ${named.id}, which made another version.`, {
        hint: `For the run, give its id: ${ref.artifact}@${named.id}${tag.versions.length === 1 ? `; for the tag, its version: ${ref.artifact}@${tag.versions[0]!.digest.slice(0, 12)}` : ''}.`,
        details: { matches: [`tag ${version}`, `run ${named.id}`] },
      });
    }
    return { ...ref, via: 'tag', label: `${ref.artifact}@${version}`, versions: tag.versions, tag: version };
  }

  const exactRun = version === 'latest' ? runs.find((r) => versionsFromRun(r, ref).length > 0) : runs.find((r) => r.id === version || r.name === version);
  if (exactRun) return fromRun(exactRun, ref, what);

  const candidates: Array<{ label: string; resolve: () => Promise<ResolvedVersions> }> = [];
  for (const run of runs) {
    if (run.id.startsWith(version) && versionsFromRun(run, ref).length > 0) candidates.push({ label: `run ${run.id}`, resolve: async () => fromRun(run, ref, what) });
  }
  if (/^[0-9a-f]+$/.test(version) && version.length >= DIGEST_PREFIX_MIN) {
    for (const digest of await digestsOf(aero, ref.artifact)) {
      if (!digest.startsWith(version)) continue;
      candidates.push({
        label: `version ${digest.slice(0, 16)}`,
        resolve: async () => {
          const manifest = await aero.artifacts.getManifest(ref.artifact, digest);
          return { ...ref, via: 'digest', label: `${ref.artifact}@${digest.slice(0, 12)}`, versions: [{ digest, ...(manifest.partition ? { partition: manifest.partition } : {}) }] };
        },
      });
    }
  }
  if (candidates.length === 1) return candidates[0]!.resolve();
  if (candidates.length > 1) {
    throw new AeroError(ErrorCodes.PIN_AMBIGUOUS, `${what} ${ref.artifact}@${version} is ambiguous: it matches ${candidates.map((c) => c.label).join(', ')}.`, {
      hint: 'Give more characters of the digest or run id (`aero artifacts` and `aero ps` show them), or tag the version you mean with `aero tag`.',
      details: { matches: candidates.map((c) => c.label) },
    });
  }
  const tags = (await listTags(aero.plugins.store, ref.artifact)).map((t) => t.tag);
  if (tags.length === 0 && runs.every((r) => versionsFromRun(r, ref).length === 0)) {
    // No version at all: a tag could not be made either (`aero tag` needs one).
    throw new AeroError(ErrorCodes.ARTIFACT_NOT_FOUND, `${what} ${ref.artifact}@${version}: no run has produced ${ref.artifact} yet.`, { hint: `Run the pipeline first: aero run --only ${ref.action}` });
  }
  const near = nearestNames(version, tags);
  throw new AeroError(ErrorCodes.PIN_UNKNOWN_TAG, `${what} ${ref.artifact}@${version}: no tag, run or version of ${ref.artifact} is called \`${version}\`.`, {
    hint: near.length ? didYouMean(near.map((t) => `${ref.artifact}@${t}`)) : tags.length ? `Tags of ${ref.artifact}: ${tags.sort().join(', ')}.` : `${ref.artifact} has no tags yet; make one with: aero tag ${ref.artifact} <tag>`,
    details: { suggestions: near },
  });
}

function fromRun(run: RunRecord, ref: ArtifactRefText, what: string): ResolvedVersions {
  const versions = versionsFromRun(run, ref);
  if (versions.length === 0) {
    throw new AeroError(ErrorCodes.ARTIFACT_NOT_FOUND, `${what} ${ref.artifact}@${run.id}: run ${run.id} has no version of ${ref.artifact} (the action did not finish in that run).`, {
      hint: `See what it ran with: aero show ${run.id}`,
    });
  }
  return { ...ref, via: 'run', label: `${ref.artifact}@${run.id}`, versions, runId: run.id };
}

/** The versions of `ref`'s output that `run` produced or took from the cache, one per instance. */
export function versionsFromRun(run: RunRecord, ref: Pick<ArtifactRefText, 'action' | 'output'>): ArtifactVersion[] {
  const out: ArtifactVersion[] = [];
  for (const entry of run.actions) {
    const digest = entry.action === ref.action ? entry.outputs?.[ref.output] : undefined;
    if (!digest || (entry.status !== 'ran' && entry.status !== 'cached')) continue;
    out.push({ digest, ...(entry.partition ? { partition: entry.partition } : {}), producer: { runId: run.id, instanceId: entry.id, ...(entry.cacheKey ? { cacheKey: entry.cacheKey } : {}) } });
  }
  return out;
}

/** Digests of every stored version of an artifact (manifest files and journaled manifests). */
async function digestsOf(aero: AeroProject, artifact: string): Promise<string[]> {
  return [...(await aero.artifacts.versions(artifact)).keys()].sort();
}
