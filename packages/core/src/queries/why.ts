import { isHit } from '../cache/backing.js';
import { explainMiss, ownChanges } from '../cache/explain.js';
import { AeroError, ErrorCodes } from '../errors.js';
import { didYouMean, nearestNames } from '../suggest.js';
import type { PinnedVersion, Plan } from '../plan-types.js';
import type { PinnedOutput } from '../reproduce/pin-types.js';
import type { AeroProject } from '../project.js';
import type { CacheEntry } from '../runs.js';
import { listRuns } from './runs.js';

export interface WhyReport {
  instanceId: string;
  decision: 'cached' | 'would-run' | 'blocked' | 'pinned';
  reasons: string[];
  cacheKey?: string;
}

/**
 * Explains, per instance of an action, whether the next run would use the cache and
 * which component of the key changed since it last ran.
 */
export async function why(aero: AeroProject, selector: string, options: { pins?: readonly PinnedOutput[] } = {}): Promise<WhyReport[]> {
  const plan = aero.plan(options.pins?.length ? { pins: options.pins } : {});
  const targets = plan.instances.filter((i) => i.action.name === selector || i.id === selector);
  if (targets.length === 0) {
    const names = plan.actions.map((a) => a.name);
    const near = nearestNames(selector, names);
    const suggestion = near.length > 0 ? `${didYouMean(near)} aero why ${near[0]}. ` : '';
    throw new AeroError(ErrorCodes.ACTION_NOT_FOUND, `No action \`${selector}\` in this pipeline.`, { hint: `${suggestion}Actions: ${names.join(', ')}.` });
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
    if (inst.pinned) {
      // A --use stand-in: its version is known without running anything (reproduce/plan-pins.ts).
      outputs[inst.index] = { [inst.pinned.output]: { name: inst.pinned.artifact, digest: inst.pinned.digest } };
      if (wanted.has(inst.index)) reports.push({ instanceId: inst.id, decision: 'pinned', reasons: [pinSentence(inst.pinned)] });
      continue;
    }
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
  for (const report of reports) {
    const inst = plan.instances.find((i) => i.id === report.instanceId)!;
    for (const [name, input] of Object.entries(inst.inputs)) {
      const pinned = input.producers.map((p) => plan.instances[p]!.pinned).find(Boolean);
      if (pinned) report.reasons.push(`input \`${name}\` is ${pinSentence(pinned)}`);
    }
  }
  return reports;
}

function pinSentence(pin: PinnedVersion): string {
  return `pinned by --use ${pin.label} (version ${pin.digest.slice(0, 12)}): \`${pin.artifact.split('.')[0]}\` does not run for it`;
}

function upstreamSentence(instances: Plan['instances'], blocked: number[]): string {
  const ids = blocked.map((d) => `\`${instances[d]!.id}\``);
  const shown = ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
  return ids.length === 1
    ? `upstream ${shown} will run first, so its output (an input here) is not known yet`
    : `upstream ${shown} will run first, so their outputs (inputs here) are not known yet`;
}
