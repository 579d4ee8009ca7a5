import type { ArtifactStore } from './artifacts.js';
import type { CacheBacking } from './cache/backing.js';
import type { CacheEntryIndex } from './cache/entries.js';
import type { ConfigSource } from './contracts/config-loader.js';
import type { Launcher } from './contracts/launcher.js';
import type { Logger } from './contracts/plugin.js';
import type { Tracker } from './contracts/tracker.js';
import type { Action, AeroConfig } from './define.js';
import type { AeroEvent } from './events.js';
import type { CodeFingerprint } from './fingerprint.js';
import type { Plan, PlannedInstance } from './plan-types.js';
import type { PluginSet } from './plugins.js';
import type { CacheComponents } from './runs.js';
import type { PinnedOutput } from './reproduce/pin-types.js';

/**
 * What the parts of a run (run/), the cache (cache/) and the read side (queries/) need
 * of a loaded project. `Aero` (engine.ts) implements it; the parts name this interface,
 * not the class, so none of them imports the engine that imports them (no cycle).
 */
export interface AeroProject {
  readonly cwd: string;
  /** Local state directory (`<cwd>/.aero`). */
  readonly dir: string;
  readonly project: string;
  readonly config: AeroConfig;
  readonly configFile: string | undefined;
  readonly plugins: PluginSet;
  readonly artifacts: ArtifactStore;
  readonly logger: Logger;
  readonly params: Record<string, unknown>;
  readonly overrides: string[];
  readonly sources: ConfigSource[];
  readonly actions: Action[];
  plan(options?: { only?: string[]; pins?: readonly PinnedOutput[] }): Plan;
  launcher(name: string): Launcher;
  fingerprint(action: Action): Promise<CodeFingerprint>;
  /** The project's source files a module imports, transitively, itself included (relative to cwd). */
  sourceFilesOf(file: string): Promise<string[]>;
  cacheComponents(inst: PlannedInstance, inputDigests: Record<string, string[]>): Promise<CacheComponents>;
  cacheKey(inst: PlannedInstance, inputDigests: Record<string, string[]>): Promise<{ key: string; components: CacheComponents }>;
  inspectCache(key: string): Promise<CacheBacking>;
  /** The cache index, derived from the run journals (cache/entries.ts). */
  cacheEntries(options?: { reload?: boolean }): Promise<CacheEntryIndex>;
}

/** What a run needs beyond the project: events out, tracker setup and scratch cleanup. */
export interface RunHost extends AeroProject {
  _emit(event: AeroEvent): void;
  initTracker(tracker: Tracker): Promise<void>;
  disposeScratch(runId: string): Promise<void>;
}
