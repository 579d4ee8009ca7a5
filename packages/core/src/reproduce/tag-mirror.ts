import type { Aero } from '../engine.js';
import type { TagResult } from './tags.js';

/**
 * Mirrors a tag onto the trackers that have names for versions (the optional
 * `Tracker.tagArtifact`: W&B aliases, MLflow tags). The store's tag is the record; a
 * tracker that fails is reported as a warning, like a tracker failing during a run.
 * Returns the names of the trackers that took it, and the warnings.
 */
export async function mirrorTag(aero: Aero, result: TagResult): Promise<{ mirrored: string[]; warnings: string[] }> {
  const mirrored: string[] = [];
  const warnings: string[] = [];
  for (const tracker of aero.plugins.trackers) {
    if (!tracker.tagArtifact) continue;
    try {
      await aero.initTracker(tracker);
      for (const version of result.record.versions) {
        const manifest = await aero.artifacts.getManifest(result.record.artifact, version.digest);
        const producer = version.producer?.cacheKey ? { runId: version.producer.runId, instanceId: version.producer.instanceId, cacheKey: version.producer.cacheKey } : undefined;
        await tracker.tagArtifact(aero.artifacts.toRef(manifest, version.digest, producer), result.record.tag);
      }
      await tracker.flush();
      mirrored.push(tracker.name);
    } catch (error) {
      warnings.push(`Tracker \`${tracker.name}\` could not mirror the tag: ${(error as Error)?.message ?? String(error)} (the tag is saved in the store).`);
    }
  }
  return { mirrored, warnings };
}
