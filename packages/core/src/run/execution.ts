import { cpus } from 'node:os';
import { join } from 'node:path';
import type { JobEvent } from '../contracts/launcher.js';
import type { ActionInfo, ActionStatus, MetricPoint, RunStatus, TrackerScope } from '../contracts/tracker.js';
import { RunCache, type LookupResult } from '../cache/lookup.js';
import type { PackedHit } from '../cache/pack.js';
import { AeroAggregateError, AeroError, ErrorCodes } from '../errors.js';
import type { AeroEvent } from '../events.js';
import { toJobError } from '../failure.js';
import { checkGpuDemand, gpuDevices } from '../launchers/gpus.js';
import type { PinnedVersion, Plan, PlannedInstance } from '../plan-types.js';
import { pinRecords } from '../reproduce/pins.js';
import type { RunHost } from '../project.js';
import { emptyCounts, gitInfo, newRunId, thisHost, type ActionEntry, type CacheComponents, type CacheEntry, type RunRecord } from '../runs.js';
import { removeStaleScratch, runLiveness } from '../scratch.js';
import { trackedRunParams } from '../tracked-params.js';
import { DevicePool, Semaphore } from '../util/semaphore.js';
import { Dispatcher, buildJobSpec } from './dispatch.js';
import { RunRecorder } from './recorder.js';
import { runDag } from './scheduler.js';
import { TrackerFanout, outputRefs } from './trackers.js';
import type { RunOptions, RunSummary } from './types.js';

/** Cache lookups (a key, an entry, manifests, blob presence) in flight at once. */
const IO_CONCURRENCY = 64;
/**
 * Instances in flight at once before they wait for a launcher slot (they then leave the
 * count, see runDag): up to there an instance only waits for cache I/O, so a bound a few
 * times the I/O one changes nothing but memory. Unbounded, a 100,000-action dry run spent
 * half its time in GC, and a 10,000-action no-op rerun 13 % more time than bounded.
 */
const LOOKUPS_IN_FLIGHT = 4 * IO_CONCURRENCY;

type Outputs = Record<string, { name: string; digest: string }>;

/**
 * One `aero run`: plans, then takes each instance as its inputs become ready
 * (scheduler.ts) through a cache lookup (cache/lookup.ts) to a launcher (dispatch.ts),
 * recording what happened (recorder.ts) and telling trackers (trackers.ts).
 */
export class RunExecution {
  private readonly runId = newRunId();
  private readonly startedAt = Date.now();
  private readonly plan: Plan;
  /** Per instance, by plan index: its run.json entry, its outputs, its state. */
  private readonly entries: ActionEntry[];
  private readonly outputs: Array<Outputs | undefined> = [];
  /** Which run produced each instance's outputs (this run, or the one a cache hit came from). */
  private readonly producedBy: Array<{ runId: string; instanceId: string; cacheKey: string } | undefined> = [];
  private readonly status: Array<ActionStatus | 'would-run' | 'pending'> = [];
  private readonly decisions: RunSummary['decisions'] = [];
  private readonly io = new Semaphore(IO_CONCURRENCY);
  private gpus = new DevicePool([]);
  private readonly controller = new AbortController();
  private readonly jobIndex = new Map<string, number>();
  private readonly cache: RunCache;
  private readonly dispatcher: Dispatcher;
  private readonly trackers: TrackerFanout;
  private recorder!: RunRecorder;
  private stopping = false;
  private readonly runDir: string;
  private readonly launcherName: string;

  constructor(
    private readonly host: RunHost,
    private readonly options: RunOptions,
    private readonly execCommand: string[] | undefined,
  ) {
    this.plan = host.plan({ only: options.only, ...(options.pins?.length ? { pins: options.pins } : {}) });
    this.entries = this.plan.instances.map((inst) => ({
      id: inst.id,
      action: inst.action.name,
      ...(inst.action.group ? { group: inst.action.group } : {}),
      ...(inst.action.type ? { type: inst.action.type } : {}),
      ...(inst.partition ? { partition: inst.partition } : {}),
      status: 'pending' as const,
    }));
    this.status = new Array(this.plan.instances.length).fill('pending');
    this.runDir = join(host.dir, 'runs', this.runId);
    this.launcherName = options.launcher ?? host.config.launcher ?? 'inline';
    host.launcher(this.launcherName);
    for (const inst of this.plan.instances) if (inst.action.launcher) host.launcher(inst.action.launcher);
    this.cache = new RunCache(host.plugins.store, host.artifacts, () => host.cacheEntries());
    this.dispatcher = new Dispatcher({
      launcher: (name) => host.launcher(name),
      concurrency: Math.max(1, options.concurrency ?? host.config.concurrency ?? cpus().length),
      execCommand,
      signal: this.controller.signal,
      logger: host.logger,
      onEvent: (event) => this.onJobEvent(event),
    });
    // A dev run tracks nothing (also when only RunOptions.dev says so).
    this.trackers = new TrackerFanout(options.dryRun || options.dev ? [] : host.plugins.trackers, (message) => this.emit({ type: 'warning', message }));
  }

  /** Whether the instance's launcher allocates GPUs itself (Slurm) instead of taking this machine's. */
  private managesOwnGpus(inst: PlannedInstance): boolean {
    return Boolean(this.host.launcher(inst.action.launcher ?? this.launcherName).managesGpus);
  }

  private emit(event: AeroEvent): void {
    this.host._emit(event);
  }

  async execute(): Promise<RunSummary> {
    const { options, host } = this;
    // git runs as child processes (gitInfo never rejects): started now, read when the record is made.
    const gitAsked = options.git ? Promise.resolve(options.git) : gitInfo(host.cwd);
    // Code fingerprints can fail (a missing `deps` file): find out before anything runs.
    const fingerprints = await Promise.allSettled(this.plan.actions.map((a) => host.fingerprint(a)));
    const failures = fingerprints.flatMap((f) => (f.status === 'rejected' ? [f.reason as AeroError] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AeroAggregateError(ErrorCodes.PLAN_INVALID, `The pipeline has ${failures.length} problems; nothing was run:`, failures);
    // `--force` drops the packs before its first lookup: nothing to read ahead then.
    if (!options.force) this.cache.prefetch();
    // GPUs are counted before anything runs, so a dry run already says there are too few.
    this.gpus = new DevicePool(checkGpuDemand(this.plan, (inst) => this.managesOwnGpus(inst), () => gpuDevices(options.gpus, host.config.gpus)));
    // The caller's reason reaches the actions' signal (aero tune's pruner: TUNE_TRIAL_PRUNED).
    const onAbort = () => this.cancel(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const git = await gitAsked;
    const record: RunRecord = {
      schema: 1,
      id: this.runId,
      name: options.name ?? this.runId,
      project: host.project,
      status: 'running',
      startedAt: new Date(this.startedAt).toISOString(),
      git,
      params: host.params,
      overrides: host.overrides,
      launcher: this.launcherName,
      dev: Boolean(options.dev),
      ...(options.sweepId ? { sweepId: options.sweepId } : {}),
      host: thisHost,
      pid: process.pid,
      counts: emptyCounts(),
      actions: this.entries,
      ...(this.plan.pins?.length ? { pins: pinRecords(this.plan.pins) } : {}),
    };
    this.recorder = new RunRecorder(host.plugins.store, record, host.cwd, {
      onError: (error, records) =>
        this.emit({ type: 'warning', message: `Could not write ${records} cache entries to the run journal (those instances run again next time): ${(error as Error)?.message ?? String(error)}` }),
    });
    this.emit({ type: 'run:start', runId: this.runId, total: this.plan.instances.length, dryRun: Boolean(options.dryRun), launcher: this.launcherName });
    let sweep: Promise<void> | undefined;
    if (!options.dryRun) {
      if (options.force) await this.cache.dropPacks();
      await this.recorder.writeRecord();
      // Work dirs left by runs that were killed (-9) are removed here, alongside the run
      // (this run's record says it is alive, so its own folder is safe), and by `aero gc`.
      sweep = removeStaleScratch(join(host.dir, 'runs'), runLiveness(host.plugins.store)).then(
        () => undefined,
        (error: unknown) => this.emit({ type: 'warning', message: `Could not remove the work folders of earlier runs: ${(error as Error)?.message ?? String(error)}` }),
      );
      await this.recorder.writeSnapshot(host, options);
      await this.trackers.call('init', (t) => host.initTracker(t));
      await this.trackers.call('startRun', (t) =>
        t.startRun({
          runId: this.runId,
          project: host.project,
          runName: record.name,
          startedAt: record.startedAt,
          git,
          // What the actions run with (validated, defaults filled), not the raw tree.
          params: trackedRunParams(host.params, this.plan),
          tags: { ...options.tags },
          runDir: this.runDir,
          dev: Boolean(options.dev),
          sweepId: options.sweepId,
        }),
      );
      this.recorder.startCheckpoints();
    }
    let escaped: unknown;
    try {
      await runDag(this.plan.instances, (index, leave) => this.processInstance(index, leave), { limit: LOOKUPS_IN_FLIGHT });
    } catch (error) {
      escaped = error;
    } finally {
      // What finished is journaled also when the run was interrupted or an error escaped.
      await this.recorder.flushJournal();
      this.recorder.stopCheckpoints();
      options.signal?.removeEventListener('abort', onAbort);
      await host.disposeScratch(this.runId).catch(() => undefined);
      await sweep;
    }
    const counts = emptyCounts();
    for (const s of this.status) if (s !== 'pending' && s !== 'would-run') counts[s]++;
    if (escaped !== undefined) {
      // A run that stalled (RUN_STALLED) or hit an engine bug is over: its record and its
      // trackers say it failed, instead of `running` until aero ps calls it interrupted.
      const durationMs = Date.now() - this.startedAt;
      Object.assign(record, { status: 'failed', counts, finishedAt: new Date().toISOString(), durationMs });
      if (!options.dryRun) {
        await this.recorder.writeRecord().catch(() => undefined);
        await this.trackers.call('endRun', (t) => t.endRun({ runId: this.runId }, { status: 'failed', durationMs }));
        await this.trackers.call('flush', (t) => t.flush());
      }
      throw escaped;
    }
    const status: RunStatus = options.signal?.aborted ? 'interrupted' : counts.failed > 0 ? 'failed' : 'succeeded';
    const durationMs = Date.now() - this.startedAt;
    Object.assign(record, { status, counts, finishedAt: new Date().toISOString(), durationMs });
    if (!options.dryRun) {
      await this.recorder.writeRecord();
      await this.cache.save(this.runId, this.hits(), this.plan.instances.length, Boolean(options.only?.length), (segment) => this.recorder.segmentChecksum(segment)).catch((error: unknown) => {
        this.emit({ type: 'warning', message: `Could not write the cache pack (the next run reads cache entries one by one instead): ${(error as Error)?.message ?? String(error)}` });
      });
      await this.trackers.call('endRun', (t) => t.endRun({ runId: this.runId }, { status, durationMs }));
      await this.trackers.call('flush', (t) => t.flush());
    }
    this.emit({ type: 'run:end', runId: this.runId, status, durationMs, counts });
    return { runId: this.runId, status, counts, durationMs, record, decisions: this.decisions };
  }

  /**
   * Cache key → hit, for every instance that has outputs (for the next run's pack), each
   * with the journal segment of its entry; an entry of this run whose batch could not be
   * written has no witness and is left out.
   */
  private *hits(): Generator<[string, PackedHit]> {
    for (const inst of this.plan.instances) {
      const outputs = this.outputs[inst.index];
      const producer = this.producedBy[inst.index];
      if (!outputs || !producer) continue;
      const ours = producer.runId === this.runId;
      const journal = ours ? this.recorder.segmentOf(producer.cacheKey) : this.journalOf[inst.index];
      if (ours && !journal) continue;
      const manifestsJournaled = journal !== undefined && (ours ? this.recorder.manifestsJournaled(producer.cacheKey) : this.manifestsJournaledOf[inst.index] === true);
      yield [producer.cacheKey, { outputs, runId: producer.runId, instanceId: producer.instanceId, ...(journal ? { journal } : {}), ...(manifestsJournaled ? { manifestsJournaled } : {}) }];
    }
  }

  /** The journal segment of each cache hit's entry, by plan index (none for an older store's entry file). */
  private readonly journalOf: Array<string | undefined> = [];
  /** Whether each cache hit's journal record holds its output manifests, by plan index. */
  private readonly manifestsJournaledOf: Array<boolean | undefined> = [];

  private cancel(reason?: unknown): void {
    if (this.stopping && this.controller.signal.aborted) return;
    this.stopping = true;
    this.controller.abort(reason);
    this.dispatcher.cancelAll();
  }

  /** `leave`: tells the scheduler this instance goes on to wait for a launcher slot (see runDag). */
  private async processInstance(index: number, leave: () => void): Promise<void> {
    const inst = this.plan.instances[index]!;
    const began = Date.now();
    if (inst.pinned) return this.usePinned(index, inst.pinned, began);
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
    // Fingerprints were computed before the run: the key costs no I/O.
    const { key, components } = await this.host.cacheKey(inst, inputDigests);
    // A key the loaded pack serves needs no I/O either; only the others take an I/O slot.
    const { hit, unbacked } = this.options.force && inst.selected ? {} : (this.cache.packed(key) ?? (await this.lookupWithSlot(key)));
    const entry = this.entries[index]!;
    entry.cacheKey = key;
    entry.inputs = inputDigests;
    if (hit) {
      this.outputs[index] = hit.outputs;
      const producer = { runId: hit.runId, instanceId: hit.instanceId, cacheKey: key };
      this.producedBy[index] = producer;
      this.journalOf[index] = hit.journal;
      this.manifestsJournaledOf[index] = hit.manifestsJournaled;
      const digests: Record<string, string> = {};
      for (const name in hit.outputs) digests[name] = hit.outputs[name]!.digest;
      entry.outputs = digests;
      if (this.trackers.active) {
        await this.trackers.cached(this.actionInfo(inst, key, true), this.scope(inst), await outputRefs(this.host.artifacts, hit.outputs, producer));
      }
      return this.finish(index, 'cached', began, {});
    }
    if (this.options.dryRun) {
      return this.finish(index, 'would-run', began, { reason: this.options.force && inst.selected ? 'forced' : unbacked ?? (await this.missReason(inst, key, components)) });
    }
    leave();
    await this.runInstance(inst, key, components, inputDigests, began, unbacked && `rerun because ${unbacked}; rewritten`);
  }

  private async lookupWithSlot(key: string): Promise<LookupResult> {
    const release = await this.io.acquire();
    try {
      return await this.cache.lookup(key);
    } finally {
      release();
    }
  }

  /** Why a dry run would run an instance: the first cause `aero why` would give. */
  private pastRuns: Promise<RunRecord[]> | undefined;
  private explain: Promise<typeof import('../cache/explain.js')> | undefined;

  private async missReason(inst: PlannedInstance, key: string, components: CacheComponents): Promise<string> {
    // Loaded on first use: a dry run that would run nothing never pays for them.
    this.pastRuns ??= import('../queries/runs.js').then((q) => q.listRuns(this.host));
    // One import per run: an import() per instance was a third of a 100,000-action dry run's allocations.
    this.explain ??= import('../cache/explain.js');
    const { explainMiss } = await this.explain;
    const reasons = await explainMiss(this.host, inst, key, components, await this.host.inspectCache(key), await this.pastRuns);
    return reasons[0]!;
  }

  /** `reason`: why an instance that had a cache entry ran anyway (shown with its result). */
  private async runInstance(inst: PlannedInstance, key: string, components: CacheComponents, inputDigests: Record<string, string[]>, queuedAt: number, reason?: string): Promise<void> {
    const { host, recorder } = this;
    // An instance's duration is its job's, from when it starts: not the wait for a slot.
    let began = queuedAt;
    const launcherName = inst.action.launcher ?? this.launcherName;
    const launcher = host.launcher(launcherName);
    const releaseSlot = await this.dispatcher.acquireSlots(launcherName, Number(inst.action.resources.cpus ?? 1));
    const gpuCount = Number(inst.action.resources.gpus ?? 0);
    // Enough devices exist (checked before the run started); wait for free ones.
    const localGpus = !launcher.managesGpus;
    const devices = localGpus ? await this.gpus.acquire(gpuCount) : [];
    try {
      if (this.stopping) return this.finish(inst.index, 'skipped', began, { reason: 'the run was stopped' });
      const spec = buildJobSpec({
        inst,
        plan: this.plan,
        runId: this.runId,
        runDir: this.runDir,
        cacheKey: key,
        outputs: this.outputs,
        cwd: host.cwd,
        configFile: host.configFile,
        overrides: host.overrides,
        dev: Boolean(this.options.dev),
        devices: localGpus && gpuCount > 0 ? devices : [],
        manifestOf: (digest) => host.artifacts.known(digest),
      });
      this.jobIndex.set(spec.jobId, inst.index);
      this.entries[inst.index]!.status = 'pending';
      const result = await this.dispatcher.run(launcherName, spec, async () => {
        began = Date.now();
        this.emit({ type: 'action:start', runId: this.runId, instanceId: inst.id, action: inst.action.name, launcher: launcherName });
        const info = this.actionInfo(inst, key, false);
        // The instance's params reach trackers once, in `info.params` (a separate logParams
        // call sent them a second time).
        await this.trackers.call('startAction', (t) => t.startAction(info));
        for (const ref of await this.inputRefs(inst, inputDigests)) await this.trackers.call('logArtifact', (t) => t.logArtifact(this.scope(inst), ref, 'input'));
      });
      if (!result.ok) {
        const status: ActionStatus = result.error?.code === ErrorCodes.INTERRUPTED || this.controller.signal.aborted ? 'interrupted' : 'failed';
        if (result.error && status === 'failed') result.error = recorder.reportFailure(inst, result.error);
        await recorder.persistInstance(inst, this.entries[inst.index]!, status, began, result.error);
        await this.trackers.call('endAction', (t) => t.endAction(this.scope(inst), { status, durationMs: Date.now() - began, error: result.error?.message }));
        return this.finish(inst.index, status, began, { error: result.error });
      }
      const outputs: Outputs = {};
      for (const [name, digest] of Object.entries(result.outputs)) outputs[name] = { name: `${inst.action.name}.${name}`, digest };
      const entry: CacheEntry = { schema: 1, key, action: inst.action.name, instanceId: inst.id, outputs, components, runId: this.runId, createdAt: new Date().toISOString() };
      // Manifests this process committed go into the journal with the entry (none from workers).
      const manifests = host.artifacts.deferredManifests(Object.values(result.outputs));
      recorder.writeCacheEntry(entry, manifests);
      (await host.cacheEntries()).add(entry, undefined, manifests);
      this.outputs[inst.index] = outputs;
      this.producedBy[inst.index] = { runId: this.runId, instanceId: inst.id, cacheKey: key };
      this.entries[inst.index]!.outputs = result.outputs;
      // Read even without trackers: an output whose manifest cannot be read fails here.
      for (const ref of await outputRefs(host.artifacts, outputs, { runId: this.runId, instanceId: inst.id, cacheKey: key })) {
        await this.trackers.call('logArtifact', (t) => t.logArtifact(this.scope(inst), ref, 'output'));
      }
      await recorder.persistInstance(inst, this.entries[inst.index]!, 'ran', began);
      await this.trackers.call('endAction', (t) => t.endAction(this.scope(inst), { status: 'ran', durationMs: Date.now() - began }));
      return this.finish(inst.index, 'ran', began, reason ? { reason } : {});
    } catch (error) {
      const err = recorder.reportFailure(inst, toJobError(error, { instanceId: inst.id, cwd: host.cwd }));
      await recorder.persistInstance(inst, this.entries[inst.index]!, 'failed', began, err).catch(() => undefined);
      return this.finish(inst.index, 'failed', began, { error: err });
    } finally {
      this.gpus.release(devices);
      releaseSlot();
    }
  }

  /** Instance index → metric name → the highest step of its value in the record. */
  private readonly metricSteps = new Map<number, Map<string, number>>();

  /** Logs, metrics and states from a running job become run events (and tracker metrics). */
  private onJobEvent(event: JobEvent): void {
    const index = this.jobIndex.get(event.jobId);
    if (index === undefined) return;
    const inst = this.plan.instances[index]!;
    if (event.type === 'job:log') {
      this.recorder.appendLog(inst.id, event.stream === 'stderr' ? `[stderr] ${event.line}` : event.line);
      this.emit({ type: 'action:log', runId: this.runId, instanceId: inst.id, stream: event.stream, line: event.line });
    } else if (event.type === 'job:metrics') {
      const points: MetricPoint[] = event.points;
      const entry = this.entries[index]! as ActionEntry & { metrics?: Record<string, number> };
      entry.metrics ??= {};
      // Each metric's last value is the one at its highest step (the right end of its chart;
      // MLflow's "latest" too), the later one of a step logged twice: as tune's `last` reads it.
      let steps = this.metricSteps.get(index);
      if (!steps) this.metricSteps.set(index, (steps = new Map()));
      for (const p of points) {
        const step = steps.get(p.name);
        if (step !== undefined && p.step < step) continue;
        steps.set(p.name, p.step);
        entry.metrics[p.name] = p.value;
      }
      this.emit({ type: 'action:metrics', runId: this.runId, instanceId: inst.id, points });
      void this.trackers.call('logMetrics', (t) => t.logMetrics(this.scope(inst), points));
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
        const manifest = await this.host.artifacts.getManifest(`${producer.action.name}.${input.ref.output}`, digest);
        refs.push(this.host.artifacts.toRef(manifest, digest, this.producedBy[producerIndex]));
      }
    }
    return refs;
  }

  /** A `--use` stand-in: its pinned version is handed on; nothing runs (reproduce/plan-pins.ts). */
  private usePinned(index: number, pin: PinnedVersion, began: number): void {
    this.outputs[index] = { [pin.output]: { name: pin.artifact, digest: pin.digest } };
    if (pin.producer?.cacheKey) this.producedBy[index] = { runId: pin.producer.runId, instanceId: pin.producer.instanceId, cacheKey: pin.producer.cacheKey };
    this.entries[index]!.outputs = { [pin.output]: pin.digest };
    this.finish(index, 'cached', began, { reason: `pinned by --use ${pin.label}` });
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
    this.recorder.touch();
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
}
