import type { ArtifactManifest } from './contracts/artifact.js';
import type { Aero } from './engine.js';
import type { Plan } from './planner.js';
import { join } from 'node:path';
import { isHit } from './cache-backing.js';
import { explainMiss, ownChanges } from './cache-explain.js';
import { AeroError, ErrorCodes } from './errors.js';
import { StoreKeys } from './keys.js';
import { PACKS_PREFIX, deletePacks } from './cache-pack.js';
import { isStale, type ActionEntry, type CacheEntry, type RunRecord } from './runs.js';
import { removeStaleScratch, runLiveness } from './scratch.js';

async function readJson<T>(aero: Aero, key: string): Promise<T | undefined> {
  const bytes = await aero.plugins.store.getBytes(key);
  if (!bytes) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** All run records, newest first. Runs whose process died are reported as interrupted. */
export async function listRuns(aero: Aero): Promise<RunRecord[]> {
  const keys: string[] = [];
  for await (const key of aero.plugins.store.list(StoreKeys.runsPrefix)) if (key.endsWith('/run.json') && key.split('/').length === 3) keys.push(key);
  const records = (await Promise.all(keys.map((k) => readJson<RunRecord>(aero, k)))).filter((r): r is RunRecord => Boolean(r));
  for (const r of records) if (isStale(r)) r.status = 'interrupted';
  return records.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1));
}

/** A run by id, unique id prefix, name, or `latest`. */
export async function getRun(aero: Aero, ref: string): Promise<RunRecord> {
  const runs = await listRuns(aero);
  const found = ref === 'latest' ? runs[0] : runs.find((r) => r.id === ref || r.name === ref) ?? uniquePrefix(runs, ref);
  if (!found) {
    throw new AeroError(ErrorCodes.RUN_NOT_FOUND, `No run matches \`${ref}\`${runs.length ? '' : ' (there are no runs yet)'}.`, {
      hint: 'List runs with `aero ps`; use a run id, a unique prefix of one, or `latest`.',
    });
  }
  return found;
}

function uniquePrefix(runs: RunRecord[], prefix: string): RunRecord | undefined {
  const matches = runs.filter((r) => r.id.startsWith(prefix));
  return matches.length === 1 ? matches[0] : undefined;
}

/** The action entry of a run matching an instance id, or an action name with one instance. */
export function findEntry(run: RunRecord, selector: string): ActionEntry {
  const exact = run.actions.find((a) => a.id === selector);
  if (exact) return exact;
  const byAction = run.actions.filter((a) => a.action === selector);
  if (byAction.length === 1) return byAction[0]!;
  throw new AeroError(ErrorCodes.ACTION_NOT_FOUND, byAction.length > 1
    ? `\`${selector}\` has ${byAction.length} instances in run ${run.id}; name one, e.g. \`${byAction[0]!.id}\`.`
    : `Run ${run.id} has no action \`${selector}\`.`, {
    hint: `Actions in this run: ${[...new Set(run.actions.map((a) => a.action))].join(', ')}.`,
  });
}

export async function readLog(aero: Aero, run: RunRecord, selector: string): Promise<string> {
  const entry = findEntry(run, selector);
  const { instanceDirName } = await import('./keys.js');
  const bytes = await aero.plugins.store.getBytes(StoreKeys.instanceLog(run.id, instanceDirName(entry.id)));
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

export async function readSnapshot(aero: Aero, run: RunRecord): Promise<{ config: unknown; sources: Record<string, string> }> {
  const config = await readJson<unknown>(aero, StoreKeys.snapshot(run.id, 'config.json'));
  const sources: Record<string, string> = {};
  const prefix = StoreKeys.snapshot(run.id, 'sources/');
  for await (const key of aero.plugins.store.list(prefix)) {
    const bytes = await aero.plugins.store.getBytes(key);
    if (bytes) sources[key.slice(prefix.length)] = Buffer.from(bytes).toString('utf8');
  }
  return { config, sources };
}

export interface WhyReport {
  instanceId: string;
  decision: 'cached' | 'would-run' | 'blocked';
  reasons: string[];
  cacheKey?: string;
}

/**
 * Explains, per instance of an action, whether the next run would use the cache and
 * which component of the key changed since it last ran.
 */
export async function why(aero: Aero, selector: string): Promise<WhyReport[]> {
  const plan = aero.plan();
  const targets = plan.instances.filter((i) => i.action.name === selector || i.id === selector);
  if (targets.length === 0) {
    throw new AeroError(ErrorCodes.ACTION_NOT_FOUND, `No action \`${selector}\` in this pipeline.`, { hint: `Actions: ${plan.actions.map((a) => a.name).join(', ')}.` });
  }
  // Resolve upstream outputs in plan order from the cache (what a run would do first).
  const outputs: Array<CacheEntry['outputs'] | undefined> = [];
  const reports: WhyReport[] = [];
  const wanted = new Set(targets.map((t) => t.index));
  const needed = new Set<number>();
  const stack = [...wanted];
  while (stack.length) {
    const i = stack.pop()!;
    if (needed.has(i)) continue;
    needed.add(i);
    stack.push(...plan.instances[i]!.deps);
  }
  const runs = await listRuns(aero);
  for (const inst of plan.instances) {
    if (!needed.has(inst.index)) continue;
    const blocked = inst.deps.filter((d) => !outputs[d]);
    if (blocked.length > 0) {
      // Every cause: the instance's own changes as well as the upstream that runs first.
      if (wanted.has(inst.index)) reports.push({ instanceId: inst.id, decision: 'blocked', reasons: [...(await ownChanges(aero, inst, runs)), upstreamSentence(plan.instances, blocked)] });
      continue;
    }
    const inputDigests: Record<string, string[]> = {};
    for (const [name, input] of Object.entries(inst.inputs)) inputDigests[name] = input.producers.map((p) => outputs[p]![input.ref.output]!.digest);
    const { key, components } = await aero.cacheKey(inst, inputDigests);
    const backing = await aero.inspectCache(key);
    if (isHit(backing)) outputs[inst.index] = backing.entry.outputs;
    if (!wanted.has(inst.index)) continue;
    if (isHit(backing)) {
      reports.push({ instanceId: inst.id, decision: 'cached', reasons: [`cache key ${key.slice(0, 12)} found (written by run ${backing.entry.runId}) with its manifests and all its blobs in the store`], cacheKey: key });
      continue;
    }
    reports.push({ instanceId: inst.id, decision: 'would-run', reasons: await explainMiss(aero, inst, key, components, backing, runs), cacheKey: key });
  }
  return reports;
}

function upstreamSentence(instances: Plan['instances'], blocked: number[]): string {
  const ids = blocked.map((d) => `\`${instances[d]!.id}\``);
  const shown = ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
  return ids.length === 1
    ? `upstream ${shown} will run first, so its output (an input here) is not known yet`
    : `upstream ${shown} will run first, so their outputs (inputs here) are not known yet`;
}

export interface ArtifactSummary {
  name: string;
  digest: string;
  files: number;
  bytes: number;
  handler: string;
  partition?: Record<string, string | number>;
}

export async function listArtifacts(aero: Aero, name?: string): Promise<ArtifactSummary[]> {
  const out: ArtifactSummary[] = [];
  const keys: string[] = [];
  for await (const key of aero.plugins.store.list(StoreKeys.artifactsPrefix(name))) if (key.endsWith('.json')) keys.push(key);
  await Promise.all(
    keys.map(async (key) => {
      const manifest = await readJson<ArtifactManifest>(aero, key);
      if (!manifest) return;
      const digest = key.slice(key.lastIndexOf('/') + 1, -'.json'.length);
      out.push({ name: manifest.name, digest, files: manifest.files.length, bytes: manifest.files.reduce((s, f) => s + f.size, 0), handler: manifest.handler, ...(manifest.partition ? { partition: manifest.partition } : {}) });
    }),
  );
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
export async function lineage(aero: Aero, ref: string): Promise<LineageNode> {
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
async function newestVersion(aero: Aero, name: string): Promise<string | undefined> {
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
async function cacheEntriesByOutput(aero: Aero): Promise<Map<string, CacheEntry>> {
  const keys: string[] = [];
  for await (const key of aero.plugins.store.list('cache/')) if (!key.startsWith(PACKS_PREFIX)) keys.push(key);
  const entries = (await Promise.all(keys.map((k) => readJson<CacheEntry>(aero, k)))).filter((e): e is CacheEntry => Boolean(e?.outputs && e.key));
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

export interface GcReport {
  dryRun: boolean;
  removedBlobs: number;
  removedBytes: number;
  removedManifests: number;
  removedCacheEntries: number;
  /** Runs whose leftover work folder (`runs/<id>/.scratch`, from a killed run) was removed. */
  removedScratch: string[];
  storeHousekeeping: string[];
}

/**
 * Delete what no run references any more: keeps every artifact listed in the cache
 * entries referenced by the newest `keepRuns` runs (default: all runs), removes the rest.
 */
export async function gc(aero: Aero, options: { dryRun?: boolean; keepRuns?: number } = {}): Promise<GcReport> {
  const store = aero.plugins.store;
  const dryRun = Boolean(options.dryRun);
  const runs = await listRuns(aero);
  if (runs.some((r) => r.status === 'running')) {
    throw new AeroError(ErrorCodes.STORE_FAILED, 'A run is in progress; gc would race with it.', { hint: 'Wait for it to finish (see `aero ps`) and run `aero gc` again.' });
  }
  const kept = runs.slice(0, options.keepRuns ?? runs.length);
  const liveKeys = new Set<string>();
  for (const run of kept) for (const a of run.actions) if (a.cacheKey) liveKeys.add(a.cacheKey);
  const report: GcReport = { dryRun, removedBlobs: 0, removedBytes: 0, removedManifests: 0, removedCacheEntries: 0, removedScratch: [], storeHousekeeping: [] };
  report.removedScratch = await removeStaleScratch(join(aero.dir, 'runs'), runLiveness(store), { dryRun });
  const liveManifests = new Set<string>();
  const liveBlobs = new Set<string>();
  // Packs name artifacts that may be removed below; the next run writes a fresh one.
  if (!dryRun) await deletePacks(store);
  for await (const key of store.list('cache/')) {
    if (key.startsWith(PACKS_PREFIX)) continue;
    const cacheKey = key.slice('cache/'.length, -'.json'.length);
    const entry = await readJson<CacheEntry>(aero, key);
    if (!entry || !liveKeys.has(cacheKey)) {
      report.removedCacheEntries++;
      if (!dryRun) await store.delete(key);
      continue;
    }
    for (const o of Object.values(entry.outputs)) {
      liveManifests.add(StoreKeys.manifest(o.name, o.digest));
      try {
        const manifest = await aero.artifacts.getManifest(o.name, o.digest);
        for (const f of manifest.files) liveBlobs.add(StoreKeys.blob(f.sha256));
      } catch {
        // already gone: nothing to keep
      }
    }
  }
  for await (const key of store.list('artifacts/')) {
    if (liveManifests.has(key)) continue;
    report.removedManifests++;
    if (!dryRun) await store.delete(key);
  }
  for await (const key of store.list('objects/')) {
    if (liveBlobs.has(key)) continue;
    report.removedBlobs++;
    if (!dryRun) await store.delete(key);
  }
  if (store.gc) {
    const { removed } = await store.gc({ dryRun, olderThanMs: 24 * 3600_000 });
    report.storeHousekeeping = removed;
  }
  return report;
}
