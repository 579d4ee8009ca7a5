import type { ArtifactStore } from '../artifacts.js';
import type { ArtifactRef } from '../contracts/artifact.js';
import type { ActionInfo, Tracker, TrackerScope } from '../contracts/tracker.js';

/**
 * Every tracker of a run, called together. A tracker that throws never stops the run:
 * the first failure of each tracker and method becomes one warning, later ones are
 * dropped (a tracker whose server is down would otherwise warn once per instance).
 */
export class TrackerFanout {
  private readonly warned = new Set<string>();

  constructor(
    readonly trackers: readonly Tracker[],
    private readonly warn: (message: string) => void,
  ) {}

  get active(): boolean {
    return this.trackers.length > 0;
  }

  async call(method: string, call: (t: Tracker) => Promise<unknown>): Promise<void> {
    const { trackers } = this;
    if (trackers.length === 0) return;
    // One tracker (the usual case) without the Promise.all machinery: this runs several
    // times per instance, 30,000+ times on a 10,000-action rerun.
    if (trackers.length === 1) return this.callOne(trackers[0]!, method, call);
    await Promise.all(trackers.map((t) => this.callOne(t, method, call)));
  }

  private async callOne(t: Tracker, method: string, call: (t: Tracker) => Promise<unknown>): Promise<void> {
    try {
      await call(t);
    } catch (error) {
      const id = `${t.name}:${method}`;
      if (this.warned.has(id)) return;
      this.warned.add(id);
      this.warn(`Tracker \`${t.name}\` failed in ${method}: ${(error as Error)?.message ?? String(error)} (the run continues).`);
    }
  }

  /**
   * An instance served from the cache: `logCached` for a tracker that has it, else start,
   * its output artifacts, end (status `cached`).
   */
  async cached(info: ActionInfo, scope: TrackerScope, outputs: ArtifactRef[]): Promise<void> {
    const { trackers } = this;
    if (trackers.length === 1 && trackers[0]!.logCached) return this.callOne(trackers[0]!, 'logCached', (t) => t.logCached!(info, outputs));
    await Promise.all(trackers.map((t) => (t.logCached ? this.callOne(t, 'logCached', (one) => one.logCached!(info, outputs)) : this.cachedInThreeCalls(t, info, scope, outputs))));
  }

  private async cachedInThreeCalls(t: Tracker, info: ActionInfo, scope: TrackerScope, outputs: ArtifactRef[]): Promise<void> {
    await this.callOne(t, 'startAction', (one) => one.startAction(info));
    for (const ref of outputs) await this.callOne(t, 'logArtifact', (one) => one.logArtifact(scope, ref, 'output'));
    await this.callOne(t, 'endAction', (one) => one.endAction(scope, { status: 'cached', durationMs: 0 }));
  }
}

/**
 * Artifact refs of outputs, each naming the run and instance that produced it. At once when
 * every manifest is in memory already (a cache hit's, from the pack; an output this process
 * just committed), else read from the store: a no-op rerun takes this for every instance,
 * and an async call per instance was most of what it cost.
 */
export function outputRefs(
  artifacts: ArtifactStore,
  outputs: Record<string, { name: string; digest: string }>,
  producer: NonNullable<ArtifactRef['producer']>,
): ArtifactRef[] | Promise<ArtifactRef[]> {
  const refs: ArtifactRef[] = [];
  for (const name in outputs) {
    const { digest } = outputs[name]!;
    const manifest = artifacts.known(digest);
    if (!manifest) return readOutputRefs(artifacts, outputs, producer);
    refs.push(artifacts.toRef(manifest, digest, producer));
  }
  return refs;
}

async function readOutputRefs(
  artifacts: ArtifactStore,
  outputs: Record<string, { name: string; digest: string }>,
  producer: NonNullable<ArtifactRef['producer']>,
): Promise<ArtifactRef[]> {
  const refs: ArtifactRef[] = [];
  for (const o of Object.values(outputs)) refs.push(artifacts.toRef(await artifacts.getManifest(o.name, o.digest), o.digest, producer));
  return refs;
}
