import type { Logger, PluginBase } from './plugin.js';
import type { ArtifactRef } from './artifact.js';
import type { Store } from './store.js';

/** What the engine hands a tracker once, before the first run. */
export interface TrackerContext {
  /** The run's store: read artifact bytes with `store.get(StoreKeys.blob(file.sha256))`. */
  store: Store;
  logger: Logger;
  project: string;
  /** Project directory. */
  cwd: string;
}

/** Identifies what a tracker call is about: a whole run, or one action instance in it. */
export interface TrackerScope {
  runId: string;
  /** Instance id (`train`, `simulate[split=test,sim=3]`); absent for run-level calls. */
  instanceId?: string;
}

export interface RunInfo {
  runId: string;
  project: string;
  /** Human-friendly unique name (resumable by trackers that support it). */
  runName: string;
  startedAt: string;
  git?: { commit: string | null; dirty: boolean; branch?: string | null } | undefined;
  params: Record<string, unknown>;
  tags: Record<string, string>;
  /** Directory the run's local files live in (`.aero/runs/<run-id>`). */
  runDir: string;
  dev: boolean;
  /** Sweep this run belongs to, if any. */
  sweepId?: string | undefined;
  /**
   * Set on the run that stands for a whole `aero tune` study, not a pipeline run: it has no
   * actions, its params are the search space and its metrics the trials' objective values
   * (and the best so far), step = trial number. Its `runId` is the `sweepId` of every trial,
   * so a tracker can nest the trials under it (MLflow: `mlflow.parentRunId`). A resumed
   * study starts the same `runId` again.
   */
  study?: { name: string } | undefined;
}

export interface ActionInfo {
  runId: string;
  instanceId: string;
  action: string;
  group?: string | undefined;
  type?: string | undefined;
  partition?: Record<string, string | number> | undefined;
  cacheKey: string;
  params: Record<string, unknown>;
  /** Directory of this instance's local files (`.aero/runs/<run-id>/<instance>`). */
  dir: string;
  /** True when the result comes from cache: trackers record it without re-uploading. */
  cached: boolean;
}

export interface MetricPoint {
  name: string;
  value: number;
  step: number;
  /** Milliseconds since epoch. */
  timestamp: number;
}

export type ActionStatus = 'ran' | 'cached' | 'failed' | 'skipped' | 'interrupted';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

/**
 * Receives everything a run produces. Several trackers run at once. A tracker must not
 * lose data when its server is down: spool locally, retry on `flush`, and offer `sync`.
 * A tracker that throws does not fail the pipeline: the engine reports a warning.
 *
 * Required: the methods the engine calls on every run (startRun … close). Optional: the
 * rest, called only when present. defineTracker() fills no-op `flush`/`close` for a
 * tracker that writes through.
 */
export interface Tracker extends PluginBase<'tracker'> {
  /** Optional: called once before `startRun` with the store (to upload artifact bytes) and a logger. */
  init?(context: TrackerContext): Promise<void>;
  /** Required: the engine calls it once per run, before any action starts. */
  startRun(run: RunInfo): Promise<void>;
  /**
   * Required: once per instance that runs or is served from cache; `action.params` are its
   * params. A tracker with `logCached` gets that call instead for a cached instance.
   */
  startAction(action: ActionInfo): Promise<void>;
  /**
   * Optional: more params for a scope. The engine never calls it (a run's and an
   * instance's params arrive in `startRun`/`startAction`); for code that drives a tracker itself.
   */
  logParams?(scope: TrackerScope, params: Record<string, unknown>): Promise<void>;
  /** Required: batches of metric points as a running instance (or the run) reports them. */
  logMetrics(scope: TrackerScope, batch: MetricPoint[]): Promise<void>;
  /** Required: each input an instance reads and each output it produces. */
  logArtifact(scope: TrackerScope, ref: ArtifactRef, direction: 'input' | 'output'): Promise<void>;
  /**
   * Optional: more tags for a scope. The engine never calls it (a run's tags arrive in
   * `startRun`); for code that drives a tracker itself.
   */
  setTags?(scope: TrackerScope, tags: Record<string, string>): Promise<void>;
  /**
   * Optional: an instance served from the cache, in one call: what `startAction(action)`,
   * `logArtifact(scope, ref, 'output')` for each of `outputs` and `endAction(scope,
   * { status: 'cached', durationMs: 0 })` would record, and the same afterwards (a later
   * call about the instance finds it started). A no-op rerun makes this call for every
   * instance, so a tracker that records cached instances cheaply implements it; without it
   * the engine makes those three calls.
   */
  logCached?(action: ActionInfo, outputs: ArtifactRef[]): Promise<void>;
  /** Required: once per started instance, with how it ended (none after `logCached`, which says it). */
  endAction(scope: TrackerScope, result: { status: ActionStatus; durationMs: number; error?: string | undefined }): Promise<void>;
  /** Required: once per run, after every instance ended. */
  endRun(scope: TrackerScope, result: { status: RunStatus; durationMs: number }): Promise<void>;
  /** Required: after the run (and before `aero tag` mirrors): send what is queued. */
  flush(): Promise<void>;
  /** Required: when the engine is closed; release connections and files. */
  close(): Promise<void>;
  /**
   * Optional: `aero tag` names an artifact version; a tracker with its own names for
   * versions mirrors it (W&B: an artifact alias; MLflow: a tag on the run that logged it).
   * Called once per version the tag names, after `init`; a failure is a warning.
   */
  tagArtifact?(ref: ArtifactRef, tag: string): Promise<void>;
  /** Optional: push whatever was spooled while offline (`aero sync`). */
  sync?(options: { runDir?: string; runsRoot: string }): Promise<{ pushed: number; remaining: number }>;
}
