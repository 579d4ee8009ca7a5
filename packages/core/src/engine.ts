import { cpus } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { ConfigSource } from './contracts/config-loader.js';
import type { JobEvent, JobResult, JobSpec, Launcher, LaunchContext } from './contracts/launcher.js';
import type { Logger } from './contracts/plugin.js';
import { silentLogger } from './contracts/plugin.js';
import type { ActionInfo, ActionStatus, MetricPoint, RunStatus, Tracker, TrackerScope } from './contracts/tracker.js';
import type { AeroConfig, Action } from './define.js';
import { ArtifactStore } from './artifacts.js';
import { SCRATCH_DIR, ScratchPool, removeStaleScratch, runLiveness } from './scratch.js';
import { PackLookup, deletePacks, writePack, type CachePack, type PackedHit } from './cache-pack.js';
import { checkCacheKey, isHit, type CacheBacking } from './cache-backing.js';
import { checkConfigKeys, findConfigFile, loadConfigFile } from './config-file.js';
import { AeroAggregateError, AeroError, ErrorCodes, isAeroError } from './errors.js';
import type { AeroEvent, AeroEventListener } from './events.js';
import { failureLogLines, toJobError, withLogPointer, type JobError } from './failure.js';
import { Fingerprinter } from './fingerprint.js';
import { describeCodeChange, sourceFilesOf } from './code-identity/index.js';
import { recordOrigins } from './param-origins.js';
import { trackedRunParams } from './tracked-params.js';
import { canonicalJson, sha256Hex } from './hash.js';
import { StoreKeys } from './keys.js';
import { inlineLauncher } from './launchers/inline.js';
import { processLauncher } from './launchers/process.js';
import { checkGpuDemand, gpuDevices } from './launchers/gpus.js';
import { applyOverrides, resolveInterpolations } from './overrides/index.js';
import { actionList, plan as buildPlan, type Plan, type PlannedInstance } from './planner.js';
import { resolvePlugins, type PluginDefaults, type PluginSet } from './plugins.js';
import { emptyCounts, gitInfo, newRunId, thisHost, type ActionEntry, type CacheComponents, type CacheEntry, type RunRecord } from './runs.js';
import { DevicePool, Semaphore } from './util/semaphore.js';

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

export interface RunOptions {
  only?: string[];
  dryRun?: boolean;
  /** Rerun selected actions even when cached. */
  force?: boolean;
  dev?: boolean;
  concurrency?: number;
  keepGoing?: boolean;
  launcher?: string;
  signal?: AbortSignal;
  /** Human-friendly run name (default: the run id). */
  name?: string;
  sweepId?: string;
  tags?: Record<string, string>;
  /** GPU device ids of this machine (`--gpus`); default: config `gpus`, else `nvidia-smi -L`. */
  gpus?: string[];
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  counts: Record<ActionStatus, number>;
  durationMs: number;
  record: RunRecord;
  /** Per instance: what happened (also for dry runs: `would-run` with a reason). */
  decisions: Array<{ instanceId: string; status: ActionStatus | 'would-run'; reason?: string }>;
}

const IO_CONCURRENCY = 64;

/** Load the config and plugins of a project: the programmatic entry point. */
export async function createAero(options: CreateAeroOptions = {}): Promise<Aero> {
  const cwd = resolve(options.cwd ?? process.cwd());
  let config = options.config;
  let configFile = options.configFile ? resolve(cwd, options.configFile) : undefined;
  if (!config) {
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

export class Aero {
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
  readonly logger: Logger;
  private readonly fingerprinter: Fingerprinter;
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
    this.fingerprinter = new Fingerprinter(cwd);
  }

  get actions(): Action[] {
    return actionList(this.config.actions);
  }

  /** Compose params: aero.config.ts `params`, then config loaders, then overrides. */
  async resolveParams(overrides: string[]): Promise<void> {
    this.overrides = overrides;
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
    }
    this.params = params;
  }

  on(listener: AeroEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: AeroEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  plan(options: { only?: string[] } = {}): Plan {
    return buildPlan(this.config.actions, {
      params: this.params,
      handlers: this.plugins.handlers,
      only: options.only,
      vars: (this.config as { vars?: Record<string, unknown> }).vars,
      origins: this.origins,
      references: this.references,
    });
  }

  private runtimeFor(spec: JobSpec) {
    this.actionsByName ??= new Map(this.actions.map((a) => [a.name, a]));
    const action = this.actionsByName.get(spec.action);
    if (!action) throw new AeroError(ErrorCodes.ACTION_NOT_FOUND, `No action named \`${spec.action}\`.`);
    let scratch = this.scratch.get(spec.runId);
    if (!scratch) this.scratch.set(spec.runId, (scratch = new ScratchPool(join(this.dir, 'runs', spec.runId, SCRATCH_DIR))));
    return { action, artifacts: this.artifacts, handlers: this.plugins.handlers, scratch };
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
      throw new AeroError(ErrorCodes.LAUNCHER_NOT_FOUND, `No launcher named \`${name}\` (available: ${[...this.plugins.launchers.keys()].join(', ')}).`, {
        hint: 'Add the launcher plugin to `plugins` in aero.config.ts, e.g. slurmLauncher().',
      });
    }
    return launcher;
  }

  fingerprint(action: Action) {
    return this.fingerprinter.fingerprint(action);
  }

  /** Cache key components of an instance, given its input digests. */
  async cacheComponents(inst: PlannedInstance, inputDigests: Record<string, string[]>): Promise<CacheComponents> {
    const code = await this.fingerprinter.fingerprint(inst.action);
    const outputs: Record<string, string> = {};
    for (const [name, out] of Object.entries(inst.outputs)) {
      const handler = this.plugins.handlers.get(out.handler)!;
      outputs[name] = `${out.path}|${handler.name}@${handler.version}`;
    }
    return { action: inst.action.name, code: code.digest, codeFiles: code.files, params: inst.params ?? null, inputs: inputDigests, partition: inst.partition ?? null, outputs };
  }

  private readonly keyParts = new Map<string, { head: string; params: string }>();

  /**
   * The cache key: sha256 of the canonical JSON of the components. Built by
   * concatenation from per-action parts (code, params) canonicalised once, because
   * canonicalising every instance's whole components dominated large fan-outs. The
   * text is byte-identical to `canonicalJson(components)` (asserted by a test).
   */
  async cacheKey(inst: PlannedInstance, inputDigests: Record<string, string[]>): Promise<{ key: string; components: CacheComponents }> {
    const components = await this.cacheComponents(inst, inputDigests);
    let parts = this.keyParts.get(inst.action.name);
    if (!parts) {
      parts = {
        head: `{"action":${JSON.stringify(components.action)},"code":${JSON.stringify(components.code)},"codeFiles":${canonicalJson(components.codeFiles)},"inputs":`,
        params: canonicalJson(components.params),
      };
      this.keyParts.set(inst.action.name, parts);
    }
    const text = `${parts.head}${canonicalJson(components.inputs)},"outputs":${canonicalJson(components.outputs)},"params":${parts.params},"partition":${canonicalJson(components.partition)}}`;
    return { key: sha256Hex(text), components };
  }

  /** Cache entry for a key if it exists and the store backs it (every manifest and blob). */
  async lookupCache(key: string): Promise<CacheEntry | undefined> {
    const backing = await this.inspectCache(key);
    return isHit(backing) ? backing.entry : undefined;
  }

  /** The entry of a key and what the store lacks to back it (see cache-backing.ts). */
  async inspectCache(key: string): Promise<CacheBacking> {
    return checkCacheKey(this.plugins.store, this.artifacts, key);
  }

  private readonly initialized = new WeakSet<Tracker>();

  /** @internal Give a tracker its context once per Aero instance. */
  async initTracker(tracker: Tracker): Promise<void> {
    if (!tracker.init || this.initialized.has(tracker)) return;
    this.initialized.add(tracker);
    await tracker.init({ store: this.plugins.store, logger: this.logger, project: this.project, cwd: this.cwd });
  }

  async run(options: RunOptions = {}): Promise<RunSummary> {
    return new RunExecution(this, options, this.execCommand).execute();
  }

  /** @internal used by RunExecution */
  _emit(event: AeroEvent): void {
    this.emit(event);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.plugins.trackers.map((t) => t.close()));
    await Promise.allSettled([...this.plugins.launchers.values()].map((l) => l.close?.()));
    await this.plugins.store.close?.();
  }
}

/** One `aero run`: schedules instances as their inputs become ready. */
class RunExecution {
  private readonly runId = newRunId();
  private readonly startedAt = Date.now();
  private readonly plan: Plan;
  private readonly entries: ActionEntry[];
  private readonly outputs: Array<Record<string, { name: string; digest: string }> | undefined> = [];
  /** Which run produced each instance's outputs (this run, or the one a cache hit came from). */
  private readonly producedBy: Array<{ runId: string; instanceId: string; cacheKey: string } | undefined> = [];
  private readonly status: Array<ActionStatus | 'would-run' | 'pending'> = [];
  private readonly decisions: RunSummary['decisions'] = [];
  private readonly dependents: number[][];
  private readonly remaining: number[];
  private readonly io = new Semaphore(IO_CONCURRENCY);
  private readonly slots = new Map<string, Semaphore>();
  private gpus = new DevicePool([]);
  private readonly controller = new AbortController();
  private readonly running = new Map<number, string>();
  private readonly batches = new Map<string, Array<{ spec: JobSpec; resolve: (r: Promise<JobResult>) => void }>>();
  private readonly logs = new Map<string, string[]>();
  private readonly jobIndex = new Map<string, number>();
  private readonly trackerWarned = new Set<string>();
  private stopping = false;
  private record!: RunRecord;
  private readonly runDir: string;
  private readonly launcherName: string;
  private readonly concurrency: number;
  private dirty = false;

  constructor(
    private readonly aero: Aero,
    private readonly options: RunOptions,
    private readonly execCommand: string[] | undefined,
  ) {
    this.plan = aero.plan({ only: options.only });
    const n = this.plan.instances.length;
    this.entries = this.plan.instances.map((inst) => ({
      id: inst.id,
      action: inst.action.name,
      ...(inst.action.group ? { group: inst.action.group } : {}),
      ...(inst.action.type ? { type: inst.action.type } : {}),
      ...(inst.partition ? { partition: inst.partition } : {}),
      status: 'pending' as const,
    }));
    this.status = new Array(n).fill('pending');
    this.dependents = Array.from({ length: n }, () => []);
    this.remaining = new Array(n).fill(0);
    for (const inst of this.plan.instances) {
      this.remaining[inst.index] = inst.deps.length;
      for (const dep of inst.deps) this.dependents[dep]!.push(inst.index);
    }
    this.runDir = join(aero.dir, 'runs', this.runId);
    this.launcherName = options.launcher ?? aero.config.launcher ?? 'inline';
    aero.launcher(this.launcherName);
    for (const inst of this.plan.instances) if (inst.action.launcher) aero.launcher(inst.action.launcher);
    this.concurrency = Math.max(1, options.concurrency ?? aero.config.concurrency ?? cpus().length);
  }

  /** Whether the instance's launcher allocates GPUs itself (Slurm) instead of taking this machine's. */
  private managesOwnGpus(inst: PlannedInstance): boolean {
    return Boolean(this.aero.launcher(inst.action.launcher ?? this.launcherName).managesGpus);
  }

  private get trackers(): Tracker[] {
    // A dev run tracks nothing (also when only RunOptions.dev says so).
    return this.options.dryRun || this.options.dev ? [] : this.aero.plugins.trackers;
  }

  private emit(event: AeroEvent): void {
    this.aero._emit(event);
  }

  async execute(): Promise<RunSummary> {
    const { options, aero } = this;
    // Code fingerprints can fail (a missing `deps` file): find out before anything runs.
    const fingerprints = await Promise.allSettled(this.plan.actions.map((a) => aero.fingerprint(a)));
    const failures = fingerprints.flatMap((f) => (f.status === 'rejected' ? [f.reason as AeroError] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AeroAggregateError(ErrorCodes.PLAN_INVALID, `The pipeline has ${failures.length} problems; nothing was run:`, failures);
    // GPUs are counted before anything runs, so a dry run already says there are too few.
    this.gpus = new DevicePool(checkGpuDemand(this.plan, (inst) => this.managesOwnGpus(inst), () => gpuDevices(options.gpus, aero.config.gpus)));
    // The caller's reason reaches the actions' signal (aero tune's pruner: TUNE_TRIAL_PRUNED).
    const onAbort = () => this.cancel(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const git = await gitInfo(aero.cwd);
    this.record = {
      schema: 1,
      id: this.runId,
      name: options.name ?? this.runId,
      project: aero.project,
      status: 'running',
      startedAt: new Date(this.startedAt).toISOString(),
      git,
      params: aero.params,
      overrides: aero.overrides,
      launcher: this.launcherName,
      dev: Boolean(options.dev),
      ...(options.sweepId ? { sweepId: options.sweepId } : {}),
      host: thisHost,
      pid: process.pid,
      counts: emptyCounts(),
      actions: this.entries,
    };
    this.emit({ type: 'run:start', runId: this.runId, total: this.plan.instances.length, dryRun: Boolean(options.dryRun), launcher: this.launcherName });
    let checkpoint: NodeJS.Timeout | undefined;
    let sweep: Promise<void> | undefined;
    if (!options.dryRun) {
      // A forced instance overwrites its cache entry; no pack may keep the old outputs.
      if (options.force) {
        await deletePacks(aero.plugins.store);
        this.pack = Promise.resolve(undefined);
      }
      await this.writeRecord();
      // Work dirs left by runs that were killed (-9) are removed here, alongside the run
      // (this run's record says it is alive, so its own folder is safe), and by `aero gc`.
      sweep = removeStaleScratch(join(aero.dir, 'runs'), runLiveness(aero.plugins.store)).then(
        () => undefined,
        (error: unknown) => this.emit({ type: 'warning', message: `Could not remove the work folders of earlier runs: ${(error as Error)?.message ?? String(error)}` }),
      );
      await this.writeSnapshot();
      await this.trackerCall('init', (t) => aero.initTracker(t));
      await this.trackerCall('startRun', (t) =>
        t.startRun({
          runId: this.runId,
          project: aero.project,
          runName: this.record.name,
          startedAt: this.record.startedAt,
          git,
          // What the actions run with (validated, defaults filled), not the raw tree.
          params: trackedRunParams(aero.params, this.plan),
          tags: { ...options.tags },
          runDir: this.runDir,
          dev: Boolean(options.dev),
          sweepId: options.sweepId,
        }),
      );
      checkpoint = setInterval(() => void this.writeRecordIfDirty(), 2_000);
      checkpoint.unref();
    }
    try {
      await this.schedule();
    } finally {
      if (checkpoint) clearInterval(checkpoint);
      options.signal?.removeEventListener('abort', onAbort);
      await aero.disposeScratch(this.runId).catch(() => undefined);
      await sweep;
    }
    const counts = emptyCounts();
    for (const s of this.status) if (s !== 'pending' && s !== 'would-run') counts[s]++;
    const status: RunStatus = options.signal?.aborted ? 'interrupted' : counts.failed > 0 ? 'failed' : 'succeeded';
    const durationMs = Date.now() - this.startedAt;
    Object.assign(this.record, { status, counts, finishedAt: new Date().toISOString(), durationMs });
    if (!options.dryRun) {
      await this.writeRecord();
      await this.savePack().catch((error: unknown) => {
        this.emit({ type: 'warning', message: `Could not write the cache pack (the next run reads cache entries one by one instead): ${(error as Error)?.message ?? String(error)}` });
      });
      await this.trackerCall('endRun', (t) => t.endRun({ runId: this.runId }, { status, durationMs }));
      await this.trackerCall('flush', (t) => t.flush());
    }
    this.emit({ type: 'run:end', runId: this.runId, status, durationMs, counts });
    return { runId: this.runId, status, counts, durationMs, record: this.record, decisions: this.decisions };
  }

  private cancel(reason?: unknown): void {
    if (this.stopping && this.controller.signal.aborted) return;
    this.stopping = true;
    this.controller.abort(reason);
    const byLauncher = new Map<string, string[]>();
    for (const [index, launcher] of this.running) {
      const list = byLauncher.get(launcher) ?? [];
      list.push(this.plan.instances[index]!.id);
      byLauncher.set(launcher, list);
    }
    for (const [name, ids] of byLauncher) void this.aero.launcher(name).cancel(ids).catch(() => undefined);
  }

  /** Runs every instance once its dependencies are done; resolves when all are settled. */
  private schedule(): Promise<void> {
    const total = this.plan.instances.length;
    if (total === 0) return Promise.resolve();
    let settled = 0;
    return new Promise<void>((resolveAll, rejectAll) => {
      const start = (index: number) => {
        this.processInstance(index).then(
          () => {
            settled++;
            for (const d of this.dependents[index]!) {
              if (--this.remaining[d]! === 0) start(d);
            }
            if (settled === total) resolveAll();
          },
          (error: unknown) => rejectAll(error),
        );
      };
      for (const inst of this.plan.instances) if (inst.deps.length === 0) start(inst.index);
    });
  }

  private pack: Promise<PackLookup | undefined> | undefined;

  /** The newest cache pack, loaded once per run; a pack that cannot be read is no pack. */
  private packLookup(): Promise<PackLookup | undefined> {
    const { artifacts, plugins } = this.aero;
    this.pack ??= PackLookup.load(plugins.store, (digest, manifest) => artifacts.remember(digest, manifest)).catch(() => undefined);
    return this.pack;
  }

  /** Instances whose hit came from the loaded pack. */
  private packHits = 0;

  /** Every hit this run saw or made, for the next run to read in one go (see cache-pack.ts). */
  private async savePack(): Promise<void> {
    // A rerun served wholly by the newest pack, which holds nothing else, would write the
    // same pack again: keep it.
    const loaded = await this.pack;
    if (loaded && this.packHits === this.plan.instances.length && loaded.size === this.packHits) return;
    const pack: CachePack = { schema: 1, runId: this.runId, hits: {}, manifests: {} };
    for (const inst of this.plan.instances) {
      const outputs = this.outputs[inst.index];
      const producer = this.producedBy[inst.index];
      if (!outputs || !producer) continue;
      for (const o of Object.values(outputs)) pack.manifests[o.digest] ??= await this.aero.artifacts.getManifest(o.name, o.digest);
      pack.hits[producer.cacheKey] = { outputs, runId: producer.runId, instanceId: producer.instanceId };
    }
    // A run of a selection (--only) keeps the other hits of the pack it read, so a later
    // full run still finds them; a full run's pack holds exactly its pipeline.
    if (loaded && this.options.only?.length) loaded.carryOver(pack);
    if (Object.keys(pack.hits).length === 0) return;
    await writePack(this.aero.plugins.store, pack);
  }

  private async processInstance(index: number): Promise<void> {
    const inst = this.plan.instances[index]!;
    const began = Date.now();
    // Anything upstream that did not produce outputs means this one cannot run.
    const blocked = inst.deps.find((d) => this.outputs[d] === undefined);
    if (blocked !== undefined) {
      const upstream = this.plan.instances[blocked]!;
      const upstreamStatus = this.status[blocked];
      if (upstreamStatus === 'would-run') return this.finish(index, 'would-run', began, { reason: `input from \`${upstream.id}\` will be rebuilt` });
      return this.finish(index, 'skipped', began, { reason: `\`${upstream.id}\` ${upstreamStatus === 'failed' ? 'failed' : 'did not finish'}` });
    }
    if (this.stopping) return this.finish(index, 'skipped', began, { reason: 'the run was stopped' });

    const inputDigests: Record<string, string[]> = {};
    for (const [name, input] of Object.entries(inst.inputs)) {
      inputDigests[name] = input.producers.map((p) => this.outputs[p]![input.ref.output]!.digest);
    }
    const release = await this.io.acquire();
    let components: CacheComponents;
    let key: string;
    let hit: PackedHit | undefined;
    /** Why a key the store knew is not a hit (its entry, a manifest or a blob is gone). */
    let unbacked: string | undefined;
    try {
      ({ key, components } = await this.aero.cacheKey(inst, inputDigests));
      if (!(this.options.force && inst.selected)) {
        const pack = await this.packLookup();
        hit = pack?.get(key);
        if (hit) this.packHits++;
        else {
          const backing = await this.aero.inspectCache(key);
          if (isHit(backing)) hit = backing.entry;
          else if (backing.problems.length > 0) unbacked = backing.problems.join('; ');
          else if (pack?.lists(key)) unbacked = `its cache entry ${StoreKeys.cacheEntry(key)} is missing from the store (a cache pack lists the key, but a pack alone is no hit)`;
        }
      }
    } finally {
      release();
    }
    const entry = this.entries[index]!;
    entry.cacheKey = key;
    entry.inputs = inputDigests;
    if (hit) {
      this.outputs[index] = hit.outputs;
      this.producedBy[index] = { runId: hit.runId, instanceId: hit.instanceId, cacheKey: key };
      entry.outputs = Object.fromEntries(Object.entries(hit.outputs).map(([k, v]) => [k, v.digest]));
      if (this.trackers.length > 0) await this.trackCached(inst, key, hit);
      return this.finish(index, 'cached', began, {});
    }
    if (this.options.dryRun) {
      return this.finish(index, 'would-run', began, { reason: this.options.force && inst.selected ? 'forced' : unbacked ?? (await this.missReason(inst, key, components)) });
    }
    await this.runInstance(inst, key, components, inputDigests, began, unbacked && `rerun because ${unbacked}; rewritten`);
  }

  /** Why a dry run would run an instance: the first cause `aero why` would give. */
  private pastRuns: Promise<RunRecord[]> | undefined;

  private async missReason(inst: PlannedInstance, key: string, components: CacheComponents): Promise<string> {
    this.pastRuns ??= import('./queries.js').then((q) => q.listRuns(this.aero));
    const { explainMiss } = await import('./cache-explain.js');
    const reasons = await explainMiss(this.aero, inst, key, components, await this.aero.inspectCache(key), await this.pastRuns);
    return reasons[0]!;
  }

  /** `reason`: why an instance that had a cache entry ran anyway (shown with its result). */
  private async runInstance(inst: PlannedInstance, key: string, components: CacheComponents, inputDigests: Record<string, string[]>, began: number, reason?: string): Promise<void> {
    const { aero } = this;
    const launcherName = inst.action.launcher ?? this.launcherName;
    const launcher = aero.launcher(launcherName);
    let slots = this.slots.get(launcherName);
    if (!slots) {
      slots = new Semaphore(launcher.maxConcurrency ?? this.concurrency);
      this.slots.set(launcherName, slots);
    }
    const releaseSlot = await slots.acquire(Number(inst.action.resources.cpus ?? 1));
    const gpuCount = Number(inst.action.resources.gpus ?? 0);
    // Enough devices exist (checked before the run started); wait for free ones.
    const localGpus = !launcher.managesGpus;
    const devices = localGpus ? await this.gpus.acquire(gpuCount) : [];
    try {
      if (this.stopping) return this.finish(inst.index, 'skipped', began, { reason: 'the run was stopped' });
      const jobDir = join(this.runDir, inst.dir);
      const spec: JobSpec = {
        schema: 1,
        jobId: inst.id,
        runId: this.runId,
        instanceId: inst.id,
        action: inst.action.name,
        partition: inst.partition,
        params: (inst.params ?? {}) as Record<string, unknown>,
        cacheKey: key,
        inputs: Object.fromEntries(
          Object.entries(inst.inputs).map(([name, input]) => [
            name,
            {
              gather: input.ref.gather,
              artifacts: input.producers.map((p) => ({ ...this.outputs[p]![input.ref.output]!, partition: this.plan.instances[p]!.partition })),
            },
          ]),
        ),
        outputs: inst.outputs,
        resources: inst.action.resources,
        cwd: aero.cwd,
        configFile: aero.configFile ?? '',
        jobDir,
        env: localGpus && gpuCount > 0 ? { CUDA_VISIBLE_DEVICES: devices.join(',') } : {},
        ...(localGpus && gpuCount > 0 ? { gpus: devices } : {}),
        overrides: aero.overrides,
        dev: Boolean(this.options.dev),
        timeoutMs: typeof inst.action.resources.timeMinutes === 'number' ? inst.action.resources.timeMinutes * 60_000 : undefined,
      };
      if (launcherName !== 'inline') {
        if (!this.execCommand) {
          throw new AeroError(ErrorCodes.LAUNCHER_FAILED, `Launcher \`${launcherName}\` needs a worker command, but none was given.`, {
            hint: 'Run through the aero CLI, or pass execCommand to createAero().',
          });
        }
        await mkdir(jobDir, { recursive: true });
        await writeFile(join(jobDir, 'job.json'), JSON.stringify(spec, null, 2));
      }
      this.running.set(inst.index, launcherName);
      this.jobIndex.set(spec.jobId, inst.index);
      this.entries[inst.index]!.status = 'pending';
      this.emit({ type: 'action:start', runId: this.runId, instanceId: inst.id, action: inst.action.name, launcher: launcherName });
      const info = this.actionInfo(inst, key, false);
      // The instance's params reach trackers once, in `info.params` (a separate logParams
      // call sent them a second time).
      await this.trackerCall('startAction', (t) => t.startAction(info));
      const inputRefs = await this.inputRefs(inst, inputDigests);
      for (const ref of inputRefs) await this.trackerCall('logArtifact', (t) => t.logArtifact(this.scope(inst), ref, 'input'));
      const result = await this.submit(launcher, launcherName, spec);
      this.running.delete(inst.index);
      if (!result.ok) {
        const status: ActionStatus = result.error?.code === ErrorCodes.INTERRUPTED || this.controller.signal.aborted ? 'interrupted' : 'failed';
        if (result.error && status === 'failed') result.error = this.reportFailure(inst, result.error);
        await this.persistInstance(inst, status, began, result.error);
        await this.trackerCall('endAction', (t) => t.endAction(this.scope(inst), { status, durationMs: Date.now() - began, error: result.error?.message }));
        return this.finish(inst.index, status, began, { error: result.error });
      }
      const outputs: Record<string, { name: string; digest: string }> = {};
      for (const [name, digest] of Object.entries(result.outputs)) outputs[name] = { name: `${inst.action.name}.${name}`, digest };
      const entry: CacheEntry = { schema: 1, key, action: inst.action.name, instanceId: inst.id, outputs, components, runId: this.runId, createdAt: new Date().toISOString() };
      await aero.plugins.store.put(StoreKeys.cacheEntry(key), JSON.stringify(entry));
      this.outputs[inst.index] = outputs;
      this.producedBy[inst.index] = { runId: this.runId, instanceId: inst.id, cacheKey: key };
      this.entries[inst.index]!.outputs = result.outputs;
      for (const o of Object.values(outputs)) {
        const manifest = await aero.artifacts.getManifest(o.name, o.digest);
        const ref = aero.artifacts.toRef(manifest, o.digest, { runId: this.runId, instanceId: inst.id, cacheKey: key });
        await this.trackerCall('logArtifact', (t) => t.logArtifact(this.scope(inst), ref, 'output'));
      }
      await this.persistInstance(inst, 'ran', began);
      await this.trackerCall('endAction', (t) => t.endAction(this.scope(inst), { status: 'ran', durationMs: Date.now() - began }));
      return this.finish(inst.index, 'ran', began, reason ? { reason } : {});
    } catch (error) {
      this.running.delete(inst.index);
      const err = this.reportFailure(inst, toJobError(error, { instanceId: inst.id, cwd: this.aero.cwd }));
      await this.persistInstance(inst, 'failed', began, err).catch(() => undefined);
      return this.finish(inst.index, 'failed', began, { error: err });
    } finally {
      this.gpus.release(devices);
      releaseSlot();
    }
  }

  /** A failure goes into the instance's log (with its stack); the error then says where that log is. */
  private reportFailure(inst: PlannedInstance, error: JobError): JobError {
    let lines = this.logs.get(inst.id);
    if (!lines) this.logs.set(inst.id, (lines = []));
    lines.push(...failureLogLines(error));
    const key = StoreKeys.instanceLog(this.runId, inst.dir);
    const root = this.aero.plugins.store.localRoot;
    const local = root ? join(root, key) : undefined;
    const logPath = local ? (relative(this.aero.cwd, local).startsWith('..') ? local : relative(this.aero.cwd, local)) : `\`${key}\` in the store`;
    return withLogPointer(error, { runId: this.runId, instanceId: inst.id, logPath });
  }

  /** Jobs that become ready together go to the launcher in one call (Slurm job arrays). */
  private submit(launcher: Launcher, name: string, spec: JobSpec): Promise<JobResult> {
    return new Promise<Promise<JobResult>>((resolveSubmit) => {
      let batch = this.batches.get(name);
      if (!batch) {
        batch = [];
        this.batches.set(name, batch);
        setImmediate(() => {
          const jobs = this.batches.get(name)!;
          this.batches.delete(name);
          const ctx: LaunchContext = {
            signal: this.controller.signal,
            emit: (event) => this.onJobEvent(event),
            logger: this.aero.logger,
            execCommand: this.execCommand ?? [],
          };
          let promises: Promise<JobResult>[];
          try {
            promises = launcher.submit(jobs.map((j) => j.spec), ctx);
          } catch (error) {
            promises = jobs.map(() => Promise.reject(error));
          }
          jobs.forEach((job, i) => job.resolve(promises[i] ?? Promise.reject(new AeroError(ErrorCodes.LAUNCHER_FAILED, `Launcher \`${name}\` returned no result for ${job.spec.jobId}.`))));
        });
      }
      batch.push({ spec, resolve: resolveSubmit });
    }).then((p) => p);
  }

  private onJobEvent(event: JobEvent): void {
    const index = this.jobIndex.get(event.jobId);
    if (index === undefined) return;
    const inst = this.plan.instances[index]!;
    if (event.type === 'job:log') {
      let lines = this.logs.get(inst.id);
      if (!lines) this.logs.set(inst.id, (lines = []));
      lines.push(event.stream === 'stderr' ? `[stderr] ${event.line}` : event.line);
      this.emit({ type: 'action:log', runId: this.runId, instanceId: inst.id, stream: event.stream, line: event.line });
    } else if (event.type === 'job:metrics') {
      const points: MetricPoint[] = event.points;
      const entry = this.entries[index]! as ActionEntry & { metrics?: Record<string, number> };
      entry.metrics ??= {};
      for (const p of points) entry.metrics[p.name] = p.value;
      this.emit({ type: 'action:metrics', runId: this.runId, instanceId: inst.id, points });
      void this.trackerCall('logMetrics', (t) => t.logMetrics(this.scope(inst), points));
    } else if (event.type === 'job:status') {
      this.emit({ type: 'action:status', runId: this.runId, instanceId: inst.id, state: event.state, ...(event.reason ? { reason: event.reason } : {}) });
    }
  }

  private scope(inst: PlannedInstance): TrackerScope {
    return { runId: this.runId, instanceId: inst.id };
  }

  private actionInfo(inst: PlannedInstance, key: string, cached: boolean): ActionInfo {
    return {
      runId: this.runId,
      instanceId: inst.id,
      action: inst.action.name,
      group: inst.action.group,
      type: inst.action.type,
      partition: inst.partition,
      cacheKey: key,
      params: (inst.params ?? {}) as Record<string, unknown>,
      dir: join(this.runDir, inst.dir),
      cached,
    };
  }

  private async inputRefs(inst: PlannedInstance, inputDigests: Record<string, string[]>) {
    const refs = [];
    for (const [name, digests] of Object.entries(inputDigests)) {
      const input = inst.inputs[name]!;
      for (const [i, digest] of digests.entries()) {
        const producerIndex = input.producers[i]!;
        const producer = this.plan.instances[producerIndex]!;
        const manifest = await this.aero.artifacts.getManifest(`${producer.action.name}.${input.ref.output}`, digest);
        refs.push(this.aero.artifacts.toRef(manifest, digest, this.producedBy[producerIndex]));
      }
    }
    return refs;
  }

  private async trackCached(inst: PlannedInstance, key: string, hit: PackedHit): Promise<void> {
    const info = this.actionInfo(inst, key, true);
    await this.trackerCall('startAction', (t) => t.startAction(info));
    for (const o of Object.values(hit.outputs)) {
      const manifest = await this.aero.artifacts.getManifest(o.name, o.digest);
      const ref = this.aero.artifacts.toRef(manifest, o.digest, { runId: hit.runId, instanceId: hit.instanceId, cacheKey: key });
      await this.trackerCall('logArtifact', (t) => t.logArtifact(this.scope(inst), ref, 'output'));
    }
    await this.trackerCall('endAction', (t) => t.endAction(this.scope(inst), { status: 'cached', durationMs: 0 }));
  }

  /**
   * record.json and log.txt of an instance that ran. Cached instances, and instances that
   * ran with nothing to add to their run.json entry (no log, metrics or error; outputs and
   * inputs are in the entry), live in run.json only: on a 10,000-instance fan that is
   * 10,000 fewer files and folders.
   */
  private async persistInstance(inst: PlannedInstance, status: ActionStatus, began: number, error?: ActionEntry['error']): Promise<void> {
    const store = this.aero.plugins.store;
    const lines = this.logs.get(inst.id);
    this.logs.delete(inst.id);
    const entry = this.entries[inst.index]!;
    const hasMore = Boolean(error || lines?.length || (entry as { metrics?: unknown }).metrics);
    if (!hasMore) return;
    const record = { ...entry, status, durationMs: Date.now() - began, params: inst.params ?? {}, ...(error ? { error } : {}), finishedAt: new Date().toISOString() };
    await store.put(StoreKeys.instanceRecord(this.runId, inst.dir), JSON.stringify(record, null, 2));
    if (lines && lines.length > 0) await store.put(StoreKeys.instanceLog(this.runId, inst.dir), lines.join('\n') + '\n');
  }

  private finish(index: number, status: ActionStatus | 'would-run', began: number, extra: { reason?: string; error?: ActionEntry['error'] }): void {
    const inst = this.plan.instances[index]!;
    const entry = this.entries[index]!;
    const durationMs = Date.now() - began;
    this.status[index] = status;
    if (status !== 'would-run') entry.status = status;
    entry.durationMs = durationMs;
    if (extra.reason) entry.reason = extra.reason;
    if (extra.error) entry.error = extra.error;
    this.dirty = true;
    if (status === 'failed' && !this.options.keepGoing) this.stopping = true;
    this.decisions.push({ instanceId: inst.id, status, ...(extra.reason ? { reason: extra.reason } : {}) });
    this.emit({
      type: 'action:end',
      runId: this.runId,
      instanceId: inst.id,
      action: inst.action.name,
      status,
      durationMs,
      ...(extra.reason ? { reason: extra.reason } : {}),
      ...(extra.error ? { error: extra.error } : {}),
    });
  }

  private async trackerCall(method: string, call: (t: Tracker) => Promise<unknown>): Promise<void> {
    const trackers = this.trackers;
    if (trackers.length === 0) return;
    // One tracker (the usual case) without the Promise.all machinery: this runs several
    // times per instance, 30,000+ times on a 10,000-action rerun.
    if (trackers.length === 1) return this.callTracker(trackers[0]!, method, call);
    await Promise.all(trackers.map((t) => this.callTracker(t, method, call)));
  }

  private async callTracker(t: Tracker, method: string, call: (t: Tracker) => Promise<unknown>): Promise<void> {
    try {
      await call(t);
    } catch (error) {
      const id = `${t.name}:${method}`;
      if (this.trackerWarned.has(id)) return;
      this.trackerWarned.add(id);
      this.emit({ type: 'warning', message: `Tracker \`${t.name}\` failed in ${method}: ${(error as Error)?.message ?? String(error)} (the run continues).` });
    }
  }

  private async writeRecord(): Promise<void> {
    this.dirty = false;
    await this.aero.plugins.store.put(StoreKeys.runRecord(this.runId), JSON.stringify(this.record));
  }

  private nextCheckpoint = 0;

  /** Periodic run.json while running; backs off so huge runs spend little time on it. */
  private async writeRecordIfDirty(): Promise<void> {
    if (!this.dirty || Date.now() < this.nextCheckpoint) return;
    const started = Date.now();
    await this.writeRecord().catch(() => undefined);
    this.nextCheckpoint = Date.now() + 20 * (Date.now() - started);
  }

  /** Resolved config, config sources and action sources, next to the run. */
  private async writeSnapshot(): Promise<void> {
    const { aero } = this;
    const store = aero.plugins.store;
    await store.put(StoreKeys.snapshot(this.runId, 'config.json'), JSON.stringify({ params: aero.params, overrides: aero.overrides, options: { ...this.options, signal: undefined } }, null, 2));
    const files = new Map<string, string>();
    for (const source of aero.sources) if (source.content !== undefined) files.set(source.file, source.content);
    for (const action of this.plan.actions) {
      const code = await aero.cacheComponents({ action, outputs: {} } as unknown as PlannedInstance, {});
      for (const file of sourceFilesOf(code.codeFiles)) {
        if (files.has(file) || file.startsWith('..')) continue;
        try {
          files.set(file, await readFile(resolve(aero.cwd, file), 'utf8'));
        } catch {
          // a dep that vanished since fingerprinting: the digest is still in the record
        }
      }
    }
    await Promise.all([...files].map(([file, content]) => store.put(StoreKeys.snapshot(this.runId, `sources/${file}`), content)));
  }
}

/** Human sentences for each component that differs, most important first. */
export function describeChange(before: CacheComponents, after: CacheComponents): string[] {
  const changes: string[] = [];
  if (before.code !== after.code) {
    const changed = describeCodeChange(before.codeFiles, after.codeFiles);
    changes.push(`code changed${changed.length ? ` (${changed.join(', ')})` : ''}`);
  }
  if (canonicalJson(before.params) !== canonicalJson(after.params)) {
    const diffs = diffPaths(before.params, after.params, '');
    changes.push(`params changed (${diffs.slice(0, 5).join(', ')}${diffs.length > 5 ? ', …' : ''})`);
  }
  for (const name of new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)])) {
    if (canonicalJson(before.inputs[name]) !== canonicalJson(after.inputs[name])) changes.push(`input \`${name}\` changed`);
  }
  if (canonicalJson(before.outputs) !== canonicalJson(after.outputs)) changes.push('output paths or handler versions changed');
  return changes;
}

function diffPaths(a: unknown, b: unknown, prefix: string): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => diffPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return [`${prefix || '(root)'}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`];
}
