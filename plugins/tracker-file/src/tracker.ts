import { join, resolve, sep } from 'node:path';
import { defineTracker, type ActionInfo, type ActionStatus, type ArtifactRef, type MetricPoint, type RunInfo, type RunStatus, type Tracker, type TrackerMembers, type TrackerScope } from '@aeroml/core';
import { FileTrackerErrorCodes, PLUGIN, trackerError } from './errors.js';
import { Appenders, writeJsonAtomic } from './files.js';
import {
  Files,
  SCHEMA,
  deepMerge,
  encodeMetric,
  mergeChangesNothing,
  metricLine,
  safeDirName,
  type ActionEvent,
  type ArtifactLine,
  type StartFields,
  type TrackerJson,
} from './format.js';
import { fileTrackerOptionsSchema, type FileTrackerOptions } from './options.js';
import { VERSION } from './version.js';

interface RunState {
  dir: string;
  /** `actions.jsonl`, the event log of every instance. */
  log: string;
  params: Record<string, unknown>;
  paramsText: string;
  tags: Record<string, string>;
  info: TrackerJson;
  actions: Map<string, ActionState>;
}

interface ActionState {
  /** Absolute folder of the instance; it exists only once the instance logs a metric. */
  dir: string;
  /** `dir` as written in the log: relative to the run dir when inside it. */
  logDir: string;
  /** Params as recorded so far, to skip a `logParams` that changes nothing; dropped at endAction. */
  params?: Record<string, unknown>;
  /** Path of the instance's `metrics.jsonl` once its `metrics` event is in the log (announced once). */
  metricsFile?: string;
  /** An instance served from cache, collected in memory and written as one `cached` line at endAction. */
  pending?: PendingCached;
}

interface PendingCached {
  start: StartFields;
  params: Record<string, unknown>;
  tags: Record<string, string>;
  artifacts: ArtifactLine[];
  metrics: MetricPoint[];
}

/** A JSON-shaped copy (what the files will hold), so later changes by the caller do not leak in. */
function plainCopy(value: Record<string, unknown>): Record<string, unknown> {
  // Most instances have no params: no round trip through JSON for those.
  for (const _ in value) return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  return {};
}

/** Whether `dir` is `<parent>/<name>` with one plain folder name (so already resolved when `parent` is). */
function isFolderOf(parent: string, dir: string): boolean {
  if (dir.length <= parent.length + 1 || !dir.startsWith(parent) || dir[parent.length] !== sep) return false;
  const name = dir.slice(parent.length + 1);
  return !name.includes('/') && !name.includes(sep) && name !== '.' && name !== '..';
}

/** `new Date().toISOString()`, built once per millisecond (a rerun asks for it per instance). */
let lastMs = -1;
let lastIso = '';
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

function startFields(info: ActionInfo, startedAt = isoNow()): StartFields {
  return {
    action: info.action,
    ...(info.group !== undefined ? { group: info.group } : {}),
    ...(info.type !== undefined ? { type: info.type } : {}),
    ...(info.partition !== undefined ? { partition: info.partition } : {}),
    cacheKey: info.cacheKey,
    cached: info.cached,
    startedAt,
  };
}

/**
 * The embedded default tracker: everything a run produces, as plain files next to the
 * run (`.aero/runs/<run-id>/`), readable without any server and by `readFileTracker`.
 *
 * Run dir: `tracker.json` (status, timings), `params.json`, `tags.json`, run-level
 * `metrics.jsonl` / `artifacts.jsonl`, and `actions.jsonl`: the event log of every action
 * instance (start, params, tags, artifacts, end). An instance gets a folder only when it
 * logs metrics (`<dir>/metrics.jsonl`), because metrics can be many and stream live.
 *
 * Why an event log: a trivial instance used to cost a folder and several atomically
 * replaced JSON files (~15 syscalls incl. mkdir); now its events are lines of one log,
 * written in batches (`eventBatchMs`) on a descriptor that stays open for the run. JSON
 * files are replaced atomically (temp + rename) and metrics appended (one write per
 * batch) before the call resolves.
 */
/** The file tracker also takes logParams and setTags (written like the engine's calls), and logCached. */
export type FileTracker = Tracker & Required<Pick<Tracker, 'logParams' | 'setTags' | 'logCached'>>;

export const fileTracker: (options?: FileTrackerOptions) => FileTracker = defineTracker({
  name: 'file',
  packageName: PLUGIN,
  version: VERSION,
  factory: 'fileTracker',
  options: fileTrackerOptionsSchema,
  setup: ({ fsync, eventBatchMs }) => createFileTracker(fsync, eventBatchMs),
});

function createFileTracker(fsync: boolean, eventBatchMs: number): TrackerMembers & Required<Pick<Tracker, 'logParams' | 'setTags' | 'logCached'>> {
  const runs = new Map<string, RunState>();
  const appenders = new Appenders(fsync, eventBatchMs);

  function writeFailed(what: string, path: string, cause: unknown) {
    return trackerError(FileTrackerErrorCodes.WRITE_FAILED, `file tracker: cannot write ${path} (${what}): ${(cause as Error).message}.`, {
      cause,
      hint: 'Check that the run directory is writable and the disk is not full; the run itself goes on.',
      details: { path },
    });
  }

  function guard<T>(what: string, path: string, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      throw writeFailed(what, path, cause);
    }
  }

  function runOf(scope: TrackerScope, call: string): RunState {
    const run = runs.get(scope.runId);
    if (!run) {
      throw trackerError(FileTrackerErrorCodes.RUN_NOT_STARTED, `file tracker: ${call} for run \`${scope.runId}\`, which was never started with startRun.`, {
        hint: 'Call startRun(run) first; the file tracker needs the run directory to write to.',
      });
    }
    return run;
  }

  /** The hot path: one line, queued for the next batch. The error message is only built when it fails. */
  function logEvent(run: RunState, event: ActionEvent): void {
    const line = JSON.stringify(event);
    try {
      appenders.queueLine(run.log, line);
    } catch (cause) {
      throw writeFailed(`${event.event} of ${event.instanceId}`, run.log, cause);
    }
  }

  /** Writes the queued events of every run now. */
  function flushEvents(what: string): void {
    try {
      appenders.flushQueued();
    } catch (cause) {
      throw writeFailed(what, [...runs.values()].map((r) => r.log).join(', ') || 'actions.jsonl', cause);
    }
  }

  /** The instance a call is about; one that was never started is started now, in a folder under the run. */
  function actionOf(run: RunState, instanceId: string): ActionState {
    return (
      run.actions.get(instanceId) ??
      startAction(run, {
        runId: run.info.runId,
        instanceId,
        action: instanceId.replace(/\[.*$/, ''),
        cacheKey: '',
        params: {},
        dir: join(run.dir, safeDirName(instanceId)),
        cached: false,
      })
    );
  }

  function writeParams(run: RunState): void {
    const text = JSON.stringify(run.params);
    if (text === run.paramsText) return;
    const path = join(run.dir, Files.params);
    guard('params', path, () => writeJsonAtomic(path, run.params, fsync));
    run.paramsText = text;
  }

  function writeTags(run: RunState): void {
    const path = join(run.dir, Files.tags);
    guard('tags', path, () => writeJsonAtomic(path, run.tags, fsync));
  }

  /** `dir` (resolved) relative to the run dir, with `/`, when inside it; else absolute. */
  function relDir(run: RunState, dir: string): string {
    // Both paths are resolved, so a prefix test is exact; it spares a path.relative per instance.
    if (dir.startsWith(run.dir) && dir[run.dir.length] === sep && dir.length > run.dir.length + 1) {
      const rel = dir.slice(run.dir.length + 1);
      return sep === '/' ? rel : rel.split(sep).join('/');
    }
    return dir;
  }

  function actionState(run: RunState, info: ActionInfo): ActionState {
    // The engine's instance dirs are `<run dir>/<folder name>`, absolute and normalised
    // already: taken as they are, without path.resolve (a tenth of logCached's time).
    const dir = isFolderOf(run.dir, info.dir) ? info.dir : resolve(info.dir);
    return { dir, logDir: relDir(run, dir) };
  }

  function startAction(run: RunState, info: ActionInfo): ActionState {
    const state = actionState(run, info);
    const start = startFields(info);
    const params = plainCopy(info.params ?? {});
    if (info.cached) {
      // A rerun served from cache can have thousands of these; one line each at endAction.
      state.pending = { start, params, tags: {}, artifacts: [], metrics: [] };
    } else {
      logEvent(run, { event: 'start', instanceId: info.instanceId, ...start, status: 'running', dir: state.logDir, params });
      state.params = params;
    }
    // Registered only once its start is on disk: if that write failed, the next call
    // about the instance writes a start line before its own.
    run.actions.set(info.instanceId, state);
    return state;
  }

  /** Closes the descriptor of an instance's metrics.jsonl (a late logMetrics opens it again). */
  function closeMetrics(state: ActionState): void {
    if (state.metricsFile !== undefined) appenders.close(state.metricsFile);
  }

  return {
    async startRun(run: RunInfo) {
      const dir = resolve(run.runDir);
      const info: TrackerJson = {
        schema: SCHEMA,
        runId: run.runId,
        runName: run.runName,
        project: run.project,
        status: 'running',
        startedAt: run.startedAt,
        ...(run.git ? { git: run.git } : {}),
        dev: run.dev,
        ...(run.sweepId !== undefined ? { sweepId: run.sweepId } : {}),
      };
      const state: RunState = { dir, log: join(dir, Files.actions), params: plainCopy(run.params ?? {}), paramsText: '', tags: { ...run.tags }, info, actions: new Map() };
      runs.set(run.runId, state);
      const path = join(dir, Files.tracker);
      guard('run status', path, () => writeJsonAtomic(path, info, fsync));
      writeParams(state);
      writeTags(state);
    },

    async startAction(action: ActionInfo) {
      startAction(runOf(action, 'startAction'), action);
    },

    /**
     * The `cached` line the three calls would write at endAction, built at once: a no-op
     * rerun makes this call for every instance (startedAt, endedAt and loggedAt are the
     * same moment, as they are within a millisecond there).
     */
    async logCached(action: ActionInfo, outputs: ArtifactRef[]) {
      const run = runOf(action, 'logCached');
      const state = actionState(run, action);
      const at = isoNow();
      const artifacts: ArtifactLine[] = outputs.map((ref) => ({ direction: 'output', ref, loggedAt: at }));
      // One literal in the order of startFields' keys (a rerun makes 10,000 of these), and
      // no copy of the params: the line is serialised before this call returns.
      logEvent(run, {
        event: 'cached',
        instanceId: action.instanceId,
        action: action.action,
        ...(action.group !== undefined ? { group: action.group } : {}),
        ...(action.type !== undefined ? { type: action.type } : {}),
        ...(action.partition !== undefined ? { partition: action.partition } : {}),
        cacheKey: action.cacheKey,
        cached: true,
        startedAt: at,
        status: 'cached',
        endedAt: at,
        durationMs: 0,
        dir: state.logDir,
        params: action.params ?? {},
        tags: {},
        artifacts,
        metrics: [],
      });
      // Like any ended instance: a later call about it appends events to the log.
      run.actions.set(action.instanceId, state);
    },

    async logParams(scope, params) {
      const run = runOf(scope, 'logParams');
      const patch = plainCopy(params);
      if (scope.instanceId === undefined) {
        run.params = deepMerge(run.params, patch);
        writeParams(run);
        return;
      }
      const s = actionOf(run, scope.instanceId);
      if (s.pending) {
        s.pending.params = deepMerge(s.pending.params, patch);
        return;
      }
      if (s.params) {
        // Already recorded (the engine repeats the start params): nothing new to write.
        if (mergeChangesNothing(s.params, patch)) return;
        s.params = deepMerge(s.params, patch);
      }
      logEvent(run, { event: 'params', instanceId: scope.instanceId, params: patch });
    },

    async logMetrics(scope, batch: MetricPoint[]) {
      const run = runOf(scope, 'logMetrics');
      if (scope.instanceId === undefined) {
        const path = join(run.dir, Files.metrics);
        guard('metrics', path, () => appenders.appendLines(path, batch.map(encodeMetric)));
        return;
      }
      const s = actionOf(run, scope.instanceId);
      if (s.pending) {
        s.pending.metrics.push(...batch);
        return;
      }
      if (batch.length === 0) return;
      if (s.metricsFile === undefined) {
        // The log says where the points are before the first one is written, so a reader
        // never misses a metrics.jsonl (and never has to look for one that is not there).
        logEvent(run, { event: 'metrics', instanceId: scope.instanceId });
        flushEvents(`metrics of ${scope.instanceId}`);
        s.metricsFile = join(s.dir, Files.metrics);
      }
      const path = s.metricsFile;
      guard('metrics', path, () => appenders.appendLines(path, batch.map(encodeMetric)));
    },

    async logArtifact(scope, ref: ArtifactRef, direction) {
      const run = runOf(scope, 'logArtifact');
      const line: ArtifactLine = { direction, ref, loggedAt: isoNow() };
      if (scope.instanceId === undefined) {
        const path = join(run.dir, Files.artifacts);
        guard('artifacts', path, () => appenders.appendLine(path, JSON.stringify(line)));
        return;
      }
      const s = actionOf(run, scope.instanceId);
      if (s.pending) {
        s.pending.artifacts.push(line);
        return;
      }
      logEvent(run, { event: 'artifact', instanceId: scope.instanceId, ...line });
    },

    async setTags(scope, tags) {
      const run = runOf(scope, 'setTags');
      if (scope.instanceId === undefined) {
        Object.assign(run.tags, tags);
        writeTags(run);
        return;
      }
      const s = actionOf(run, scope.instanceId);
      if (s.pending) {
        Object.assign(s.pending.tags, tags);
        return;
      }
      if (Object.keys(tags).length === 0) return;
      logEvent(run, { event: 'tags', instanceId: scope.instanceId, tags: { ...tags } });
    },

    async endAction(scope, result: { status: ActionStatus; durationMs: number; error?: string | undefined }) {
      const run = runOf(scope, 'endAction');
      if (scope.instanceId === undefined) return;
      const instanceId = scope.instanceId;
      const s = actionOf(run, instanceId);
      const end = {
        status: result.status,
        endedAt: isoNow(),
        durationMs: result.durationMs,
        ...(result.error !== undefined ? { error: result.error } : {}),
      };
      if (s.pending) {
        const { start, params, tags, artifacts, metrics } = s.pending;
        logEvent(run, { event: 'cached', instanceId, ...start, ...end, dir: s.logDir, params, tags, artifacts, metrics: metrics.map(metricLine) });
        // Its record is in the log now: later calls about it append events like any instance.
        s.pending = undefined;
        return;
      }
      logEvent(run, { event: 'end', instanceId, ...end });
      s.params = undefined;
      closeMetrics(s);
    },

    async endRun(scope, result: { status: RunStatus; durationMs: number }) {
      const run = runOf(scope, 'endRun');
      // Every event is in the log before the status says the run ended.
      flushEvents('events');
      Object.assign(run.info, { status: result.status, endedAt: new Date().toISOString(), durationMs: result.durationMs });
      const path = join(run.dir, Files.tracker);
      guard('run status', path, () => writeJsonAtomic(path, run.info, fsync));
      for (const action of run.actions.values()) closeMetrics(action);
      for (const file of [Files.actions, Files.metrics, Files.artifacts]) appenders.close(join(run.dir, file));
    },

    async flush() {
      flushEvents('events');
    },

    async close() {
      try {
        flushEvents('events');
      } finally {
        appenders.closeAll();
        runs.clear();
      }
    },
  };
}
