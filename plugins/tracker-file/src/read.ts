import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrackerFile } from './tracker.js';

export interface ReadMetric {
  name: string;
  value: number;
  step: number;
  timestamp: number;
}

export interface ReadScope extends TrackerFile {
  metrics: ReadMetric[];
}

export interface FileTrackerRun {
  run: ReadScope;
  /** Instance id → what was recorded (cached instances from the run's list). */
  actions: Record<string, ReadScope>;
}

async function readJson(path: string): Promise<TrackerFile | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as TrackerFile;
  } catch {
    return undefined;
  }
}

/** Metric points of a metrics.jsonl, each metric in step order; a torn last line is skipped. */
export async function readMetrics(file: string): Promise<ReadMetric[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const points: ReadMetric[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      points.push(JSON.parse(line) as ReadMetric);
    } catch {
      // a line cut by a crash mid-append
    }
  }
  return points.map((p, i) => ({ p, i })).sort((a, b) => (a.p.name === b.p.name ? a.p.step - b.p.step || a.i - b.i : 0)).map((x) => x.p);
}

/** Reads back everything the file tracker wrote for one run folder. */
export async function readFileTracker(runDir: string): Promise<FileTrackerRun> {
  const runFile = (await readJson(join(runDir, 'tracker.json'))) ?? { schema: 1, params: {}, tags: {}, artifacts: [] };
  const out: FileTrackerRun = { run: { ...runFile, metrics: await readMetrics(join(runDir, 'metrics.jsonl')) }, actions: {} };
  for (const entry of await readdir(runDir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    const file = await readJson(join(runDir, entry.name, 'tracker.json'));
    if (!file?.action) continue;
    out.actions[file.action.instanceId] = { ...file, metrics: await readMetrics(join(runDir, entry.name, 'metrics.jsonl')) };
  }
  for (const [instanceId, cached] of Object.entries(runFile.cached ?? {})) {
    const dir = join(runDir, instanceId.replace(/[/\\:*?"<>| ]/g, '_'));
    out.actions[instanceId] ??= { ...cached, metrics: await readMetrics(join(dir, 'metrics.jsonl')) };
  }
  return out;
}
