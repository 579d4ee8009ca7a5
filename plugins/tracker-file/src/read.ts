import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ArtifactRef, MetricPoint } from '@aero/core';
import { FileTrackerErrorCodes, trackerError } from './errors.js';
import { Files, decodeMetric, type ActionIndexLine, type ArtifactLine, type CachedLine, type MetricLine, type StatusJson, type TrackerJson } from './format.js';

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
  /** Absolute directory of the action's files. */
  dir: string;
  /** `status.json` as written (status, timings, cache key, error); absent if the tracker stopped before writing it. */
  record?: StatusJson;
}

export interface FileTrackerRecord {
  /** Absolute run directory. */
  runDir: string;
  run: RecordedScope & { info: TrackerJson };
  /** By instance id, in the order the actions started. */
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
 * Reads a JSON Lines file. A last line without its newline is a write that was cut short
 * (the process was killed mid-append): it is skipped and reported in `warnings`. A bad
 * line anywhere else is corruption and an error naming the file and line.
 */
function readJsonl<T>(path: string, warnings: string[]): T[] {
  const text = readText(path);
  if (text === undefined || text === '') return [];
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (complete) lines.pop();
  const out: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
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
  }
  return out;
}

/** Stable sort by step: points logged at the same step keep their order. */
function byStep(lines: MetricLine[]): MetricPoint[] {
  return lines.map(decodeMetric).sort((a, b) => a.step - b.step);
}

function metricsIn(dir: string, warnings: string[]): MetricPoint[] {
  return byStep(readJsonl<MetricLine>(join(dir, Files.metrics), warnings));
}

function toArtifacts(lines: ArtifactLine[]): RecordedArtifact[] {
  return lines.map((l) => ({ direction: l.direction, name: l.ref.name, digest: l.ref.digest, loggedAt: l.loggedAt, ref: l.ref }));
}

function artifactsIn(dir: string, warnings: string[]): RecordedArtifact[] {
  return toArtifacts(readJsonl<ArtifactLine>(join(dir, Files.artifacts), warnings));
}

/**
 * The points of one `metrics.jsonl` in step order (a line torn by a crash is skipped;
 * non-finite values come back as NaN / ±Infinity).
 */
export async function readMetrics(file: string): Promise<MetricPoint[]> {
  return byStep(readJsonl<MetricLine>(file, []));
}

/**
 * Reads back everything the file tracker recorded for one run: run params, tags, status
 * and metrics, and per action instance its params, tags, metrics, artifacts and status.
 * Used by `describeTracker` and by the CLI (`aero show`, `aero logs`).
 */
export async function readFileTracker(runDir: string): Promise<FileTrackerRecord> {
  const dir = resolve(runDir);
  const info = readJson<TrackerJson>(join(dir, Files.tracker));
  if (!info) {
    throw trackerError(FileTrackerErrorCodes.RUN_NOT_FOUND, `file tracker: no run recorded in ${dir} (${Files.tracker} is missing).`, {
      hint: 'Check the run id (`aero ps` lists runs), and that the file tracker was enabled for that run.',
      details: { runDir: dir },
    });
  }
  const warnings: string[] = [];
  const run: FileTrackerRecord['run'] = {
    info,
    params: readJson<Record<string, unknown>>(join(dir, Files.params)) ?? {},
    tags: readJson<Record<string, string>>(join(dir, Files.tags)) ?? {},
    metrics: metricsIn(dir, warnings),
    artifacts: artifactsIn(dir, warnings),
    status: info.status,
  };
  const actions: Record<string, RecordedAction> = {};
  for (const line of readJsonl<ActionIndexLine>(join(dir, Files.actions), warnings)) {
    const actionDir = isAbsolute(line.dir) ? line.dir : join(dir, line.dir);
    const record = readJson<StatusJson>(join(actionDir, Files.status));
    actions[line.instanceId] = {
      instanceId: line.instanceId,
      dir: actionDir,
      params: readJson<Record<string, unknown>>(join(actionDir, Files.params)) ?? {},
      tags: readJson<Record<string, string>>(join(actionDir, Files.tags)) ?? {},
      metrics: metricsIn(actionDir, warnings),
      artifacts: artifactsIn(actionDir, warnings),
      ...(record ? { status: record.status, record } : {}),
    };
  }
  for (const line of readJsonl<CachedLine>(join(dir, Files.cached), warnings)) {
    actions[line.instanceId] = {
      instanceId: line.instanceId,
      dir: isAbsolute(line.dir) ? line.dir : join(dir, line.dir),
      params: line.params,
      tags: line.tags,
      metrics: byStep(line.metrics),
      artifacts: toArtifacts(line.artifacts),
      status: line.status.status,
      record: line.status,
    };
  }
  return { runDir: dir, run, actions, warnings };
}
