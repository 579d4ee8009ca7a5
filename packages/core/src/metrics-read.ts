import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricPoint } from './contracts/tracker.js';
import type { Aero } from './engine.js';
import { instanceDirName } from './keys.js';
import type { RunRecord } from './runs.js';

/** The metric points of one run: run-level ones, and each instance's by instance id. */
export interface RunMetrics {
  run: MetricPoint[];
  instances: Record<string, MetricPoint[]>;
}

/** `metrics.jsonl` of the run (`''`) or of an instance folder, as the file tracker writes it. */
const metricsKey = (runId: string, instanceDir: string) => (instanceDir ? `runs/${runId}/${instanceDir}/metrics.jsonl` : `runs/${runId}/metrics.jsonl`);

/**
 * Every metric point a run logged, read from the `metrics.jsonl` files the file tracker
 * writes next to the run: through the store first (for a local store they are in it), then
 * from this machine's run folder (`<project>/.aero/runs/<id>/`, where the tracker writes
 * when the store is remote). Instances with no file have no points; what the run record
 * keeps (each metric's last value) is still in `ActionEntry.metrics`.
 *
 * Lines are `{"name","value","step","timestamp"}`; non-finite values come as the strings
 * "NaN"/"Infinity"/"-Infinity"; a line that is not JSON (torn by a crash) is skipped.
 */
export async function readRunMetrics(aero: Aero, run: RunRecord): Promise<RunMetrics> {
  const dirs = [...new Set(run.actions.map((a) => a.id))];
  const [runPoints, ...perInstance] = await Promise.all([readMetricsFile(aero, run.id, ''), ...dirs.map((id) => readMetricsFile(aero, run.id, instanceDirName(id)))]);
  const instances: Record<string, MetricPoint[]> = {};
  dirs.forEach((id, i) => {
    if (perInstance[i]!.length > 0) instances[id] = perInstance[i]!;
  });
  return { run: runPoints!, instances };
}

async function readMetricsFile(aero: Aero, runId: string, instanceDir: string): Promise<MetricPoint[]> {
  const key = metricsKey(runId, instanceDir);
  const bytes = await aero.plugins.store.getBytes(key);
  let text = bytes ? Buffer.from(bytes).toString('utf8') : undefined;
  if (text === undefined) {
    // Run ids and instance folder names are plain names (no separators), so this stays in aero.dir.
    text = await readFile(join(aero.dir, key), 'utf8').catch(() => undefined);
  }
  return text ? parseMetricLines(text) : [];
}

/** Parses metrics.jsonl text into points sorted by step (stable: same-step points keep their order). */
export function parseMetricLines(text: string): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let value: { name?: unknown; value?: unknown; step?: unknown; timestamp?: unknown };
    try {
      value = JSON.parse(line) as typeof value;
    } catch {
      continue;
    }
    if (typeof value.name !== 'string') continue;
    const v = typeof value.value === 'string' ? Number(value.value) : value.value;
    if (typeof v !== 'number') continue;
    points.push({ name: value.name, value: v, step: typeof value.step === 'number' ? value.step : points.length, timestamp: typeof value.timestamp === 'number' ? value.timestamp : 0 });
  }
  return points.sort((a, b) => a.step - b.step);
}
