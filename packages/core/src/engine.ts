import { readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { ConfigSource } from './contracts/config-loader.js';
import type { JobSpec, Launcher } from './contracts/launcher.js';
import type { Logger } from './contracts/plugin.js';
import { silentLogger } from './contracts/plugin.js';
import type { Tracker } from './contracts/tracker.js';
import type { AeroConfig, Action } from './define.js';
import { ArtifactStore } from './artifacts.js';
import { SCRATCH_DIR, ScratchPool } from './scratch.js';
import { checkCacheKey, isHit, type CacheBacking } from './cache/backing.js';
import { CacheEntryIndex } from './cache/entries.js';
import { CacheKeyer } from './cache/key.js';
import { checkConfigKeys, findConfigFile, loadConfigFile } from './config-file.js';
import { AeroError, ErrorCodes } from './errors.js';
import { didYouMean, nearestNames } from './suggest.js';
import type { AeroEvent, AeroEventListener } from './events.js';
import { Fingerprinter } from './fingerprint.js';
import { recordOrigins } from './param-origins.js';
import { refusePluginOptionKeys } from './plugin-option-keys.js';
import { inlineLauncher } from './launchers/inline.js';
import { processLauncher } from './launchers/process.js';
import { applyOverrides, resolveInterpolations } from './overrides/index.js';
import { actionList, plan as buildPlan, type Plan, type PlannedInstance } from './planner.js';
import { resolvePlugins, type PluginDefaults, type PluginSet } from './plugins.js';
import type { RunHost } from './project.js';
import type { CacheComponents, CacheEntry } from './runs.js';
import { RunExecution } from './run/execution.js';
import { resolvePins, type PinnedOutput } from './reproduce/pins.js';
import type { RunOptions, RunSummary } from './run/types.js';

export type { RunOptions, RunSummary } from './run/types.js';
export { describeChange } from './cache/change.js';

export interface CreateAeroOptions {
  cwd?: string;
  /** Path to aero.config.ts; found in `cwd` when omitted (unless `config` is given). */
  configFile?: string;
  /** An already-built config (embedding without a file). */
  config?: AeroConfig;
  /** `key=value` overrides (and loader-specific ones such as `model=large`). */
  overrides?: string[];
  /** Plugins used for kinds the config leaves empty (the CLI passes the embedded defaults). */
  defaults?: PluginDefaults;
  /** argv that starts the worker (`aero exec`), for the process and remote launchers. */
  execCommand?: string[];
  /** Development mode (`--dev`): no trackers, and a local store instead of a remote one (see plugins.ts). */
  dev?: boolean;
  logger?: Logger;
}

/** Load the config and plugins of a project: the programmatic entry point. */
export async function createAero(options: CreateAeroOptions = {}): Promise<Aero> {
  const cwd = resolve(options.cwd ?? process.cwd());
  let config = options.config;
  let configFile = options.configFile ? resolve(cwd, options.configFile) : undefined;
  if (!config) {
    if (configFile !== undefined && !(await stat(configFile).catch(() => undefined))?.isFile()) {
      throw new AeroError(ErrorCodes.CONFIG_NOT_FOUND, `No config file ${options.configFile} in ${cwd}.`, {
        hint: 'Check the path given with --config (it is relative to the project folder).',
      });
    }
    configFile ??= await findConfigFile(cwd);
    if (!configFile) {
      throw new AeroError(ErrorCodes.CONFIG_NOT_FOUND, `No aero.config.ts found in ${cwd}.`, {
        hint: 'Run aero from your project folder, or pass --config <file>.',
      });
    }
    config = await loadConfigFile(configFile);
  } else {
    checkConfigKeys(config, configFile ?? 'the config passed to createAero'); // embedding: no file load did it
  }
  const aero = new Aero(cwd, config, configFile, options);
  await aero.resolveParams(options.overrides ?? []);
  return aero;
}

/**
 * A loaded project: config, params, plugins. `run()` hands a run to run/execution.ts; the
 * read side (queries/) and the cache (cache/) take it as an AeroProject (project.ts).
 */
export class Aero implements RunHost {
  readonly plugins: PluginSet;
  readonly artifacts: ArtifactStore;
  readonly project: string;
  /** Local state directory (`<cwd>/.aero`): run folders, job files, logs. */
  readonly dir: string;
  params: Record<string, unknown> = {};
  sources: ConfigSource[] = [];
  origins: Record<string, string> = {};
  overrides: string[] = [];
  /** Dot paths interpolations read (sources, not unknown keys); see PlanOptions.references. */
  references: string[] = [];
  /** A `tune:` block a config loader took out of params (YAML), for aero tune. */
  tuneBlock: unknown = undefined;
  /** Pins from the config (`use:` of defineConfig, then of config loaders, e.g. YAML); `--use` adds to them. */
  use: string[] = [];
  readonly logger: Logger;
  private readonly fingerprinter: Fingerprinter;
  private readonly keyer: CacheKeyer;
  private readonly listeners = new Set<AeroEventListener>();
  private readonly execCommand: string[] | undefined;

  constructor(
    readonly cwd: string,
    readonly config: AeroConfig,
    readonly configFile: string | undefined,
    options: CreateAeroOptions,
  ) {
    this.logger = options.logger ?? config.logger ?? silentLogger;
    this.execCommand = options.execCommand;
    this.dir = resolve(cwd, config.dir ?? '.aero');
    this.project = config.project ?? basename(cwd);
    this.plugins = resolvePlugins(
      config.plugins,
      options.defaults ?? {},
      [inlineLauncher((spec) => this.runtimeFor(spec)), processLauncher()],
      { dev: Boolean(options.dev) },
    );
    this.artifacts = new ArtifactStore(this.plugins.store);
    this.artifacts.readJournalsWith(() => this.cacheEntries());
    this.fingerprinter = new Fingerprinter(cwd);
    this.keyer = new CacheKeyer(this.fingerprinter, this.plugins.handlers);
  }

  get actions(): Action[] {
    return actionList(this.config.actions);
  }

  /** Compose params: aero.config.ts `params`, then config loaders, then overrides. */
  async resolveParams(overrides: string[]): Promise<void> {
    this.overrides = overrides;
    this.use = [...(this.config.use ?? [])];
    const base = structuredClone(this.config.params ?? {});
    this.sources = this.configFile ? [{ file: relative(this.cwd, this.configFile), content: await readFile(this.configFile, 'utf8') }] : [];
    // Values from aero.config.ts `params` name their file when they fail validation.
    recordOrigins(base, this.configFile ? relative(this.cwd, this.configFile) : 'config.params', this.origins);
    if (this.plugins.configLoaders.length === 0) {
      // Without a loader there is no schema of known keys (defaults live in each action's
      // zod schema), so `train.lr=0.1` may add a key: Hydra's non-struct mode.
      // `${path}` / `${env:VAR,default}` work in aero.config.ts params as in YAML configs.
      const references = new Set<string>();
      this.params = resolveInterpolations(applyOverrides(base, overrides, { strict: false, origins: this.origins }), { origins: this.origins, references });
      this.references = [...references];
      return;
    }
    let params = base;
    for (const loader of this.plugins.configLoaders) {
      const result = await loader.load({ cwd: this.cwd, overrides, base: params });
      params = result.params;
      this.sources.push(...result.sources);
      Object.assign(this.origins, result.origins ?? {});
      this.references.push(...(result.references ?? []));
      if (result.tune !== undefined) this.tuneBlock = result.tune;
      if (result.use) this.use.push(...result.use);
    }
    this.params = params;
  }

  on(listener: AeroEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  plan(options: { only?: string[]; pins?: readonly PinnedOutput[] } = {}): Plan {
    refusePluginOptionKeys(this.params, this.plugins, this.actions, this.origins);
    return buildPlan(this.config.actions, {
      params: this.params,
      handlers: this.plugins.handlers,
      only: options.only,
      vars: (this.config as { vars?: Record<string, unknown> }).vars,
      origins: this.origins,
      references: this.references,
      ...(options.pins?.length ? { pins: options.pins } : {}),
    });
  }

  private runtimeFor(spec: JobSpec) {
    this.actionsByName ??= new Map(this.actions.map((a) => [a.name, a]));
    const action = this.actionsByName.get(spec.action);
    if (!action) throw new AeroError(ErrorCodes.ACTION_NOT_FOUND, `No action named \`${spec.action}\`.`);
    let scratch = this.scratch.get(spec.runId);
    if (!scratch) this.scratch.set(spec.runId, (scratch = new ScratchPool(join(this.dir, 'runs', spec.runId, SCRATCH_DIR))));
    // In this process the run journals each instance's entry, so manifests go with it.
    return { action, artifacts: this.artifacts, handlers: this.plugins.handlers, scratch, deferManifests: true };
  }

  /** By name: a job looks its action up once (a scan per job was quadratic at 10,000 actions). */
  private actionsByName: Map<string, Action> | undefined;

  /** Work dirs of in-process jobs, per run (see scratch.ts). */
  private readonly scratch = new Map<string, ScratchPool>();

  /** @internal The run is over: remove its pooled work dirs. */
  async disposeScratch(runId: string): Promise<void> {
    const pool = this.scratch.get(runId);
    this.scratch.delete(runId);
    await pool?.dispose();
  }

  launcher(name: string): Launcher {
    const launcher = this.plugins.launchers.get(name);
    if (!launcher) {
      const names = [...this.plugins.launchers.keys()];
      // A typo of an installed launcher (`procss`) is that launcher; any other name is a plugin to add.
      const near = nearestNames(name, names);
      throw new AeroError(ErrorCodes.LAUNCHER_NOT_FOUND, `No launcher named \`${name}\` (available: ${names.join(', ')}).`, {
        hint: near.length > 0
          ? `${didYouMean(near)} Other launchers are plugins: add one to \`plugins\` in aero.config.ts, e.g. slurmLauncher().`
          : 'Add the launcher plugin to `plugins` in aero.config.ts, e.g. slurmLauncher().',
        details: { launcher: name, suggestions: near },
      });
    }
    return launcher;
  }

  fingerprint(action: Action) {
    return this.fingerprinter.fingerprint(action);
  }

  sourceFilesOf(file: string) {
    return this.fingerprinter.sourceFilesOf(file);
  }

  /** Cache key components of an instance, given its input digests. */
  cacheComponents(inst: PlannedInstance, inputDigests: Record<string, string[]>): Promise<CacheComponents> {
    return this.keyer.components(inst, inputDigests);
  }

  /** The cache key of an instance and its components (cache/key.ts). */
  cacheKey(inst: PlannedInstance, inputDigests: Record<string, string[]>): Promise<{ key: string; components: CacheComponents }> {
    return this.keyer.key(inst, inputDigests);
  }

  /** Cache entry for a key if it exists and the store backs it (every manifest and blob). */
  async lookupCache(key: string): Promise<CacheEntry | undefined> {
    const backing = await this.inspectCache(key);
    return isHit(backing) ? backing.entry : undefined;
  }

  /** The entry of a key and what the store lacks to back it (see cache/backing.ts). */
  async inspectCache(key: string): Promise<CacheBacking> {
    return checkCacheKey(this.plugins.store, this.artifacts, key, await this.cacheEntries());
  }

  private entryIndex: Promise<CacheEntryIndex> | undefined;

  /**
   * The cache index (cache/entries.ts), read from the run journals once per Aero; runs of
   * this Aero add their entries to it. `aero gc` starts a new one.
   */
  cacheEntries(options: { reload?: boolean } = {}): Promise<CacheEntryIndex> {
    if (options.reload || !this.entryIndex) this.entryIndex = CacheEntryIndex.load(this.plugins.store);
    const loading = this.entryIndex;
    // A store that could not be listed is tried again by the next caller.
    loading.catch(() => {
      if (this.entryIndex === loading) this.entryIndex = undefined;
    });
    return loading;
  }

  private readonly initialized = new WeakSet<Tracker>();

  /** @internal Give a tracker its context once per Aero instance. */
  async initTracker(tracker: Tracker): Promise<void> {
    if (!tracker.init || this.initialized.has(tracker)) return;
    this.initialized.add(tracker);
    await tracker.init({ store: this.plugins.store, logger: this.logger, project: this.project, cwd: this.cwd });
  }

  async run(options: RunOptions = {}): Promise<RunSummary> {
    // Pins resolve against the store before the plan is made: their errors come before anything runs.
    const pins = options.pins ?? (await resolvePins(this, [...this.use, ...(options.use ?? [])]));
    return new RunExecution(this, { ...options, pins }, this.execCommand).execute();
  }

  /** @internal used by RunExecution */
  _emit(event: AeroEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.plugins.trackers.map((t) => t.close()));
    await Promise.allSettled([...this.plugins.launchers.values()].map((l) => l.close?.()));
    await this.plugins.store.close?.();
  }
}
