import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ArtifactRef, MetricPoint } from '@aeroml/core';
import { FileTrackerErrorCodes, trackerError } from './errors.js';
import { EVENT_KINDS, Files, SCHEMA, decodeMetric, deepMerge, safeDirName, type ActionEvent, type ArtifactLine, type MetricLine, type StatusJson, type TrackerJson } from './format.js';

/** An artifact as read back: direction plus the flattened reference. */
export interface RecordedArtifact {
  direction: 'input' | 'output';
  name: string;
  digest: string;
  loggedAt: string;
  ref: ArtifactRef;
}

/** What the tracker recorded for the run or one action (the shape `describeTracker` checks). */
export interface RecordedScope {
  params: Record<string, unknown>;
  tags: Record<string, string>;
  /** Every point, sorted by step (points at the same step keep the order they were logged in). */
  metrics: MetricPoint[];
  artifacts: RecordedArtifact[];
  status?: string;
}

export interface RecordedAction extends RecordedScope {
  instanceId: string;
  /** Absolute folder of the instance (`ActionInfo.dir`); it exists only if the instance logged metrics. */
  dir: string;
  /** Status, timings, cache key and error as folded from the event log; absent if its start was never recorded. */
  record?: StatusJson;
}

export interface FileTrackerRecord {
  /** Absolute run directory. */
  runDir: string;
  run: RecordedScope & { info: TrackerJson };
  /** By instance id, in the order their first event was logged (start; end for cached instances). */
  actions: Record<string, RecordedAction>;
  /** Torn last lines (a writer killed mid-append) that were skipped, as `file:line`. */
  warnings: string[];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw trackerError(FileTrackerErrorCodes.CORRUPT, `file tracker: cannot read ${path}: ${(error as Error).message}.`, { cause: error });
  }
}

function readJson<T>(path: string): T | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw trackerError(FileTrackerErrorCodes.CORRUPT, `file tracker: ${path} is not valid JSON: ${(cause as Error).message}.`, {
      cause,
      hint: 'The file was changed by hand or by another program; restore it or remove it (its data is lost).',
      details: { path },
    });
  }
}

/**
 * Reads a JSON Lines file, calling `each` with every value and its line number. A last
 * line without its newline is a write that was cut short (the process was killed
 * mid-append): it is skipped and reported in `warnings`. A bad line anywhere else is
 * corruption and an error naming the file and line.
 */
function eachJsonl<T>(path: string, warnings: string[], each: (value: T, line: number) => void): void {
  const text = readText(path);
  if (text === undefined || text === '') return;
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (complete) lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let value: T;
    try {
      value = JSON.parse(line) as T;
    } catch (cause) {
      if (!complete && i === lines.length - 1) {
        warnings.push(`${path}:${i + 1}`);
        continue;
      }
      throw trackerError(FileTrackerErrorCodes.CORRUPT, `file tracker: ${path} line ${i + 1} is not valid JSON: ${(cause as Error).message}.`, {
        cause,
        hint: 'The file was changed by hand or by another program; fix or delete that line.',
        details: { path, line: i + 1 },
      });
    }
    each(value, i + 1);
  }
}

function readJsonl<T>(path: string, warnings: string[]): T[] {
  const out: T[] = [];
  eachJsonl<T>(path, warnings, (value) => out.push(value));
  return out;
}

/** Stable sort by step: points logged at the same step keep their order. */
function byStep(lines: MetricLine[]): MetricPoint[] {
  return lines.map(decodeMetric).sort((a, b) => a.step - b.step);
}

function toArtifact(l: ArtifactLine): RecordedArtifact {
  return { direction: l.direction, name: l.ref.name, digest: l.ref.digest, loggedAt: l.loggedAt, ref: l.ref };
}

/**
 * The points of one `metrics.jsonl` in step order (a line torn by a crash is skipped;
 * non-finite values come back as NaN / ±Infinity).
 */
export async function readMetrics(file: string): Promise<MetricPoint[]> {
  return byStep(readJsonl<MetricLine>(file, []));
}

/** An instance while its events are folded. */
interface Folding {
  action: RecordedAction;
  /** Points carried in the log itself (cached instances). */
  inlineMetrics: MetricLine[];
  /** A `metrics` event was seen: the points are in `<dir>/metrics.jsonl`. */
  metricsFile: boolean;
}

function notAnEvent(path: string, line: number, why: string): never {
  throw trackerError(FileTrackerErrorCodes.CORRUPT, `file tracker: ${path} line ${line} is not a file tracker event: ${why}.`, {
    hint: 'The file was changed by hand or by another program; fix or delete that line.',
    details: { path, line },
  });
}

function statusOf(instanceId: string, event: Extract<ActionEvent, { event: 'start' | 'cached' }>): StatusJson {
  const { action, group, type, partition, cacheKey, cached, startedAt, status } = event;
  return {
    schema: SCHEMA,
    instanceId,
    action,
    ...(group !== undefined ? { group } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(partition !== undefined ? { partition } : {}),
    cacheKey,
    cached,
    status,
    startedAt,
  };
}

/** Applies the end of an instance to its record (a later end replaces an earlier one). */
function ended(record: StatusJson, end: Extract<ActionEvent, { event: 'end' | 'cached' }>): StatusJson {
  const { endedAt: _endedAt, durationMs: _durationMs, error: _error, ...started } = record;
  return { ...started, status: end.status, endedAt: end.endedAt, durationMs: end.durationMs, ...(end.error !== undefined ? { error: end.error } : {}) };
}

/** Folds `actions.jsonl` line by line into one record per instance. */
function foldActions(runDir: string, warnings: string[]): Map<string, Folding> {
  const path = join(runDir, Files.actions);
  const instances = new Map<string, Folding>();
  const dirOf = (dir: string) => (isAbsolute(dir) ? dir : join(runDir, dir));
  eachJsonl<ActionEvent>(path, warnings, (event, line) => {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) notAnEvent(path, line, 'not an object');
    if (typeof event.instanceId !== 'string') notAnEvent(path, line, 'no `instanceId`');
    if (!EVENT_KINDS.has(event.event)) notAnEvent(path, line, `unknown \`event\` ${JSON.stringify(event.event)}`);
    const id = event.instanceId;
    let f = instances.get(id);
    if (!f) {
      // The writer always logs a start (or the cached line) first; a log edited by hand may
      // not, and its events are still read, with no `record` and the default folder.
      f = { action: { instanceId: id, dir: join(runDir, safeDirName(id)), params: {}, tags: {}, metrics: [], artifacts: [] }, inlineMetrics: [], metricsFile: false };
      instances.set(id, f);
    }
    const a = f.action;
    switch (event.event) {
      case 'start':
        a.dir = dirOf(event.dir);
        a.params = deepMerge(a.params, event.params);
        a.record = statusOf(id, event);
        break;
      case 'params':
        a.params = deepMerge(a.params, event.params);
        break;
      case 'tags':
        Object.assign(a.tags, event.tags);
        break;
      case 'artifact':
        a.artifacts.push(toArtifact(event));
        break;
      case 'metrics':
        f.metricsFile = true;
        break;
      case 'end':
        if (a.record) a.record = ended(a.record, event);
        a.status = event.status;
        break;
      case 'cached':
        a.dir = dirOf(event.dir);
        a.params = deepMerge(a.params, event.params);
        Object.assign(a.tags, event.tags);
        a.artifacts.push(...event.artifacts.map(toArtifact));
        f.inlineMetrics.push(...event.metrics);
        a.record = ended(statusOf(id, event), event);
        break;
    }
    if (a.record) a.status = a.record.status;
  });
  return instances;
}

/**
 * Reads back everything the file tracker recorded for one run: run params, tags, status
 * and metrics, and per action instance its params, tags, metrics, artifacts and status
 * (folded from the event log `actions.jsonl`, metrics from the instance's folder).
 * Used by `describeTracker` and by the CLI (`aero show`, `aero logs`).
 */
export async function readFileTracker(runDir: string): Promise<FileTrackerRecord> {
  const dir = resolve(runDir);
  const trackerPath = join(dir, Files.tracker);
  const info = readJson<TrackerJson>(trackerPath);
  if (!info) {
    throw trackerError(FileTrackerErrorCodes.RUN_NOT_FOUND, `file tracker: no run recorded in ${dir} (${Files.tracker} is missing).`, {
      hint: 'Check the run id (`aero ps`), and that the file tracker was enabled for that run.',
      details: { runDir: dir },
    });
  }
  if (info.schema !== SCHEMA) {
    throw trackerError(
      FileTrackerErrorCodes.SCHEMA_UNSUPPORTED,
      `file tracker: ${dir} was recorded in format ${JSON.stringify(info.schema)} (\`schema\` in ${Files.tracker}); this version of @aeroml/tracker-file reads format ${SCHEMA}.`,
      {
        hint: 'Format 1 (one folder per instance with status.json) was written by @aeroml/tracker-file before the event log; read it with the version that wrote it, or run the pipeline again.',
        details: { runDir: dir, schema: info.schema },
      },
    );
  }
  const warnings: string[] = [];
  const run: FileTrackerRecord['run'] = {
    info,
    params: readJson<Record<string, unknown>>(join(dir, Files.params)) ?? {},
    tags: readJson<Record<string, string>>(join(dir, Files.tags)) ?? {},
    metrics: byStep(readJsonl<MetricLine>(join(dir, Files.metrics), warnings)),
    artifacts: readJsonl<ArtifactLine>(join(dir, Files.artifacts), warnings).map(toArtifact),
    status: info.status,
  };
  const actions: Record<string, RecordedAction> = {};
  for (const [id, f] of foldActions(dir, warnings)) {
    const fromFile = f.metricsFile ? readJsonl<MetricLine>(join(f.action.dir, Files.metrics), warnings) : [];
    f.action.metrics = byStep(f.inlineMetrics.length > 0 ? [...f.inlineMetrics, ...fromFile] : fromFile);
    actions[id] = f.action;
  }
  return { runDir: dir, run, actions, warnings };
}
