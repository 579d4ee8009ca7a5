import type { Aero } from '../engine.js';
import { flattenPlugins } from '../plugins.js';

/**
 * Closes what one trial's project opened for itself, and nothing it shares. Every trial
 * is opened from the same loaded config, so the plugins listed in aero.config.ts are the
 * same objects in every trial (closing them while another trial runs would cut it off);
 * the embedded defaults and the built-in launchers are made per project and are closed
 * here. The shared ones belong to whoever loaded the config (the CLI closes them once).
 */
export async function closeTrialProject(aero: Aero): Promise<void> {
  const shared = new Set<object>(flattenPlugins(aero.config.plugins));
  const own = <T extends object>(items: Iterable<T>) => [...items].filter((p) => !shared.has(p));
  await Promise.allSettled(own(aero.plugins.trackers).map((t) => t.close()));
  await Promise.allSettled(own(aero.plugins.launchers.values()).map((l) => l.close?.()));
  if (!shared.has(aero.plugins.store)) await aero.plugins.store.close?.();
}
