import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ActionInfo, ActionStatus, ArtifactRef, MetricPoint, RunInfo, RunStatus, Tracker, TrackerScope } from '@aero/core';
import { FileTrackerErrorCodes, PLUGIN, trackerError } from './errors.js';
import { Appenders, writeJsonAtomic } from './files.js';
import { Files, SCHEMA, deepMerge, encodeMetric, metricLine, type ActionIndexLine, type ArtifactLine, type CachedLine, type StatusJson, type TrackerJson } from './format.js';
import { parseOptions, type FileTrackerOptions } from './options.js';
import { VERSION } from './version.js';

interface Scope {
  dir: string;
  params: Record<string, unknown>;
  paramsText: string;
  tags: Record<string, string>;
}

interface RunState extends Scope {
  info: TrackerJson;
  actions: Map<string, ActionState>;
}

interface ActionState extends Scope {
  status: StatusJson;
  /** Cached instances without their own folder collect everything here until endAction. */
  pending?: { artifacts: ArtifactLine[]; metrics: MetricPoint[] };
}

/** A JSON-shaped copy (what params.json will hold), so later changes by the caller do not leak in. */
function plainCopy(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** Instance ids are folder names too (`simulate[split=test,sim=3]`); keep them safe on disk. */
function safeDirName(instanceId: string): string {
  return instanceId.replace(/[/\\:*?"<>| ]/g, '_');
}

/**
 * The embedded default tracker: everything a run produces, as plain files next to the
 * run (`.aero/runs/<run-id>/`), readable without any server and by `readFileTracker`.
 *
 * Run dir: `tracker.json` (status, timings), `params.json`, `tags.json`, `actions.jsonl`
 * (index of action dirs), `cached.jsonl` (cached instances), run-level `metrics.jsonl`.
 * Action dir: `status.json`, `params.json`, `tags.json`, `metrics.jsonl`, `artifacts.jsonl`.
 * Every call has written its data when it resolves: JSON files atomically (temp +
 * rename), JSON Lines as one append per batch.
 */
export function fileTracker(options?: FileTrackerOptions): Tracker {
  const { fsync, cachedActionFiles } = parseOptions(options);
  const runs = new Map<string, RunState>();
  const appenders = new Appenders();

  function guard<T>(what: string, path: string, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      throw trackerError(FileTrackerErrorCodes.WRITE_FAILED, `file tracker: cannot write ${path} (${what}): ${(cause as Error).message}.`, {
        cause,
        hint: 'Check that the run directory is writable and the disk is not full; the run itself goes on.',
        details: { path },
      });
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

  /** The scope a call is about; an action that was never started gets a directory under the run. */
  function scopeOf(scope: TrackerScope, call: string): RunState | ActionState {
    const run = runOf(scope, call);
    if (scope.instanceId === undefined) return run;
    return (
      run.actions.get(scope.instanceId) ??
      startActionState(run, {
        runId: scope.runId,
        instanceId: scope.instanceId,
        action: scope.instanceId.replace(/\[.*$/, ''),
        cacheKey: '',
        params: {},
        dir: join(run.dir, safeDirName(scope.instanceId)),
        cached: false,
      })
    );
  }

  function writeParams(scope: Scope): void {
    const text = JSON.stringify(scope.params);
    if (text === scope.paramsText) return;
    const path = join(scope.dir, Files.params);
    guard('params', path, () => writeJsonAtomic(path, scope.params, fsync));
    scope.paramsText = text;
  }

  function writeTags(scope: Scope): void {
    const path = join(scope.dir, Files.tags);
    guard('tags', path, () => writeJsonAtomic(path, scope.tags, fsync));
  }

  function relDir(run: RunState, dir: string): string {
    const rel = relative(run.dir, dir);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : dir;
  }

  function startActionState(run: RunState, info: ActionInfo): ActionState {
    const dir = resolve(info.dir);
    const status: StatusJson = {
      schema: SCHEMA,
      instanceId: info.instanceId,
      action: info.action,
      ...(info.group !== undefined ? { group: info.group } : {}),
      ...(info.type !== undefined ? { type: info.type } : {}),
      ...(info.partition !== undefined ? { partition: info.partition } : {}),
      cacheKey: info.cacheKey,
      cached: info.cached,
      status: 'running',
      startedAt: new Date().toISOString(),
    };
    const state: ActionState = { dir, params: plainCopy(info.params ?? {}), paramsText: '', tags: {}, status };
    run.actions.set(info.instanceId, state);
    if (info.cached && !cachedActionFiles) {
      // Recorded as one line of cached.jsonl at endAction: no folder, no files until then.
      state.pending = { artifacts: [], metrics: [] };
      return state;
    }
    const line: ActionIndexLine = { instanceId: info.instanceId, dir: relDir(run, dir) };
    const index = join(run.dir, Files.actions);
    guard('action index', index, () => appenders.append(index, [JSON.stringify(line)], fsync));
    const path = join(dir, Files.status);
    guard('status', path, () => writeJsonAtomic(path, status, fsync));
    if (Object.keys(state.params).length > 0) writeParams(state);
    return state;
  }

  return {
    kind: 'tracker',
    name: 'file',
    version: VERSION,
    packageName: PLUGIN,

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
      const state: RunState = { dir, params: plainCopy(run.params ?? {}), paramsText: '', tags: { ...run.tags }, info, actions: new Map() };
      runs.set(run.runId, state);
      const path = join(dir, Files.tracker);
      guard('run status', path, () => writeJsonAtomic(path, info, fsync));
      writeParams(state);
      writeTags(state);
    },

    async startAction(action: ActionInfo) {
      startActionState(runOf(action, 'startAction'), action);
    },

    async logParams(scope, params) {
      const s = scopeOf(scope, 'logParams');
      s.params = deepMerge(s.params, plainCopy(params));
      if (!('pending' in s && s.pending)) writeParams(s);
    },

    async logMetrics(scope, batch: MetricPoint[]) {
      const s = scopeOf(scope, 'logMetrics');
      if ('pending' in s && s.pending) {
        s.pending.metrics.push(...batch);
        return;
      }
      const path = join(s.dir, Files.metrics);
      guard('metrics', path, () => appenders.append(path, batch.map(encodeMetric), fsync));
    },

    async logArtifact(scope, ref: ArtifactRef, direction) {
      const s = scopeOf(scope, 'logArtifact');
      const line: ArtifactLine = { direction, ref, loggedAt: new Date().toISOString() };
      if ('pending' in s && s.pending) {
        s.pending.artifacts.push(line);
        return;
      }
      const path = join(s.dir, Files.artifacts);
      guard('artifacts', path, () => appenders.append(path, [JSON.stringify(line)], fsync));
    },

    async setTags(scope, tags) {
      const s = scopeOf(scope, 'setTags');
      Object.assign(s.tags, tags);
      if (!('pending' in s && s.pending)) writeTags(s);
    },

    async endAction(scope, result: { status: ActionStatus; durationMs: number; error?: string | undefined }) {
      const run = runOf(scope, 'endAction');
      const s = scope.instanceId === undefined ? undefined : (scopeOf(scope, 'endAction') as ActionState);
      if (!s) return;
      Object.assign(s.status, {
        status: result.status,
        endedAt: new Date().toISOString(),
        durationMs: result.durationMs,
        ...(result.error !== undefined ? { error: result.error } : {}),
      });
      if (s.pending) {
        const line: CachedLine = {
          instanceId: s.status.instanceId,
          dir: relDir(run, s.dir),
          status: s.status,
          params: s.params,
          tags: s.tags,
          artifacts: s.pending.artifacts,
          metrics: s.pending.metrics.map(metricLine),
        };
        const path = join(run.dir, Files.cached);
        guard('cached instances', path, () => appenders.append(path, [JSON.stringify(line)], fsync));
        s.pending = { artifacts: [], metrics: [] };
        return;
      }
      const path = join(s.dir, Files.status);
      guard('status', path, () => writeJsonAtomic(path, s.status, fsync));
      appenders.close(s.dir);
    },

    async endRun(scope, result: { status: RunStatus; durationMs: number }) {
      const run = runOf(scope, 'endRun');
      Object.assign(run.info, { status: result.status, endedAt: new Date().toISOString(), durationMs: result.durationMs });
      const path = join(run.dir, Files.tracker);
      guard('run status', path, () => writeJsonAtomic(path, run.info, fsync));
      for (const action of run.actions.values()) appenders.close(action.dir);
      appenders.close(run.dir);
    },

    async flush() {
      // Every call has already written its data before resolving; nothing is buffered.
    },

    async close() {
      appenders.close();
      runs.clear();
    },
  };
}
