import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, type ActionInfo, type ActionStatus, type ArtifactRef, type MetricPoint, type RunInfo, type Tracker, type TrackerScope } from '@aero/core';
import { parseOptions, type FileTrackerOptions } from './options.js';
import { VERSION } from './version.js';

/** tracker.json of a run or of one action instance. */
export interface TrackerFile {
  schema: 1;
  params: Record<string, unknown>;
  tags: Record<string, string>;
  status?: string;
  startedAt?: string;
  durationMs?: number;
  error?: string;
  artifacts: Array<{ direction: 'input' | 'output'; name: string; digest: string; handler: string; files: ArtifactRef['files'] }>;
  /** Run level only: instances served from cache (no folder of their own by default). */
  cached?: Record<string, TrackerFile>;
  /** Action level only. */
  action?: Omit<ActionInfo, 'params' | 'dir' | 'runId'>;
}

interface Scope {
  dir: string;
  file: TrackerFile;
  cached: boolean;
  dirReady: boolean;
}

/**
 * Writes everything a run produces as plain files next to the run:
 * `<run>/tracker.json` and, per action instance, `<run>/<instance>/tracker.json` plus
 * `metrics.jsonl` (one JSON line per point). Metric batches are appended as they
 * arrive (a crash loses at most a partial last line, which readers skip); JSON files
 * are written atomically when a scope ends. Nothing can be offline, so `sync` is absent.
 */
export function fileTracker(options: FileTrackerOptions = {}): Tracker {
  const opts = parseOptions(options);
  const runs = new Map<string, Scope>();
  const actions = new Map<string, Scope>();
  const key = (scope: TrackerScope) => `${scope.runId}\u0000${scope.instanceId}`;
  const scopeOf = (scope: TrackerScope): Scope | undefined => (scope.instanceId ? actions.get(key(scope)) : runs.get(scope.runId));
  const ensureDir = async (s: Scope) => {
    if (s.dirReady) return;
    await mkdir(s.dir, { recursive: true });
    s.dirReady = true;
  };
  const save = async (s: Scope) => {
    await ensureDir(s);
    await writeFileAtomic(join(s.dir, 'tracker.json'), JSON.stringify(s.file, null, 2) + '\n');
  };

  return {
    kind: 'tracker',
    name: 'file',
    version: VERSION,
    packageName: '@aero/tracker-file',
    async startRun(run: RunInfo) {
      const scope: Scope = {
        dir: run.runDir,
        cached: false,
        dirReady: false,
        file: { schema: 1, params: run.params, tags: { ...run.tags }, status: 'running', startedAt: run.startedAt, artifacts: [], cached: {} },
      };
      runs.set(run.runId, scope);
      await save(scope);
    },
    async startAction(info: ActionInfo) {
      const { params, dir, runId, ...action } = info;
      actions.set(key(info), {
        dir,
        cached: info.cached,
        dirReady: false,
        file: { schema: 1, params: { ...params }, tags: {}, status: 'running', startedAt: new Date().toISOString(), artifacts: [], action },
      });
    },
    async logParams(scope, params) {
      const s = scopeOf(scope);
      if (s) Object.assign(s.file.params, params);
    },
    async logMetrics(scope, batch: MetricPoint[]) {
      const s = scopeOf(scope);
      if (!s || batch.length === 0) return;
      await ensureDir(s);
      await appendFile(join(s.dir, 'metrics.jsonl'), batch.map((p) => JSON.stringify({ name: p.name, value: p.value, step: p.step, timestamp: p.timestamp })).join('\n') + '\n');
    },
    async logArtifact(scope, ref, direction) {
      const s = scopeOf(scope);
      s?.file.artifacts.push({ direction, name: ref.name, digest: ref.digest, handler: ref.handler, files: ref.files });
    },
    async setTags(scope, tags) {
      const s = scopeOf(scope);
      if (s) Object.assign(s.file.tags, tags);
    },
    async endAction(scope, result: { status: ActionStatus; durationMs: number; error?: string | undefined }) {
      const s = actions.get(key(scope));
      if (!s) return;
      actions.delete(key(scope));
      Object.assign(s.file, { status: result.status, durationMs: result.durationMs, ...(result.error ? { error: result.error } : {}) });
      const run = runs.get(scope.runId);
      if (s.cached && !opts.cachedActionFiles && run) {
        run.file.cached![scope.instanceId!] = s.file;
        return;
      }
      await save(s);
    },
    async endRun(scope, result) {
      const s = runs.get(scope.runId);
      if (!s) return;
      Object.assign(s.file, { status: result.status, durationMs: result.durationMs });
      await save(s);
      runs.delete(scope.runId);
    },
    async flush() {
      // Every call above has already reached the disk when it resolves.
    },
    async close() {
      runs.clear();
      actions.clear();
    },
  };
}
