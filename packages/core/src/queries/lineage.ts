import { AeroError, ErrorCodes } from '../errors.js';
import type { AeroProject } from '../project.js';
import type { CacheEntry } from '../runs.js';
import { listRuns } from './runs.js';

export interface ArtifactSummary {
  name: string;
  digest: string;
  files: number;
  bytes: number;
  handler: string;
  partition?: Record<string, string | number>;
}

export async function listArtifacts(aero: AeroProject, name?: string): Promise<ArtifactSummary[]> {
  const out: ArtifactSummary[] = [];
  // Manifest files and manifests journaled with their cache entries alike.
  for (const [digest, manifest] of await aero.artifacts.versions(name)) {
    out.push({ name: manifest.name, digest, files: manifest.files.length, bytes: manifest.files.reduce((s, f) => s + f.size, 0), handler: manifest.handler, ...(manifest.partition ? { partition: manifest.partition } : {}) });
  }
  return out.sort((a, b) => (a.name === b.name ? (a.digest < b.digest ? -1 : 1) : a.name < b.name ? -1 : 1));
}

export interface LineageNode {
  artifact: string;
  digest: string;
  producedBy?: { action: string; instanceId: string; runId: string; cacheKey: string };
  inputs: LineageNode[];
}

/**
 * artifact ← instance run ← input artifact versions, recursively. `ref` is
 * `name@digestPrefix`, a digest prefix, or a bare name (the version the newest run
 * recorded for it).
 */
export async function lineage(aero: AeroProject, ref: string): Promise<LineageNode> {
  const all = await listArtifacts(aero);
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : /^[0-9a-f]{6,64}$/.test(ref) ? undefined : ref;
  const digestPrefix = at >= 0 ? ref.slice(at + 1) : name === undefined ? ref : undefined;
  let matches = all.filter((a) => (name === undefined || a.name === name) && (digestPrefix === undefined || a.digest.startsWith(digestPrefix)));
  if (name !== undefined && digestPrefix === undefined && matches.length > 1) {
    const newest = await newestVersion(aero, name);
    matches = matches.filter((a) => a.digest === newest);
  }
  if (matches.length !== 1) {
    throw new AeroError(ErrorCodes.ARTIFACT_NOT_FOUND, matches.length === 0 ? `No artifact matches \`${ref}\`.` : `\`${ref}\` matches ${matches.length} artifacts; give a longer digest.`, {
      hint: 'List them with `aero artifacts`; refer to one as name, name@digest-prefix or a digest prefix.',
    });
  }
  const producers = await cacheEntriesByOutput(aero);
  const build = (name: string, digest: string, depth: number): LineageNode => {
    const entry = producers.get(digest);
    const node: LineageNode = { artifact: name, digest, inputs: [] };
    if (!entry) return node;
    node.producedBy = { action: entry.action, instanceId: entry.instanceId, runId: entry.runId, cacheKey: entry.key };
    if (depth > 50) return node;
    for (const [inputName, digests] of Object.entries(entry.components.inputs)) {
      for (const d of digests) {
        const producer = producers.get(d);
        const artifactName = producer ? Object.values(producer.outputs).find((o) => o.digest === d)?.name ?? inputName : inputName;
        node.inputs.push(build(artifactName, d, depth + 1));
      }
    }
    return node;
  };
  return build(matches[0]!.name, matches[0]!.digest, 0);
}

/** Digest of `name` in the newest run that produced or reused it. */
async function newestVersion(aero: AeroProject, name: string): Promise<string | undefined> {
  const [action, output] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
  for (const run of await listRuns(aero)) {
    for (const entry of run.actions) if (entry.action === action && entry.outputs?.[output]) return entry.outputs[output];
  }
  return undefined;
}

/**
 * Artifact digest → the cache entry of its producer. An artifact made alike by several
 * keys (the same output after a code edit, say) is credited to the key the newest run
 * recorded for it; entries no run names come after, newest first.
 */
async function cacheEntriesByOutput(aero: AeroProject): Promise<Map<string, CacheEntry>> {
  const entries = (await (await aero.cacheEntries()).all()).filter((e) => Boolean(e.outputs && e.key));
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const map = new Map<string, CacheEntry>();
  for (const run of await listRuns(aero)) {
    for (const a of run.actions) {
      const entry = a.cacheKey ? byKey.get(a.cacheKey) : undefined;
      if (!entry || !a.outputs) continue;
      for (const digest of Object.values(a.outputs)) if (!map.has(digest)) map.set(digest, entry);
    }
  }
  entries.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  for (const entry of entries) for (const o of Object.values(entry.outputs)) if (!map.has(o.digest)) map.set(o.digest, entry);
  return map;
}
