import type { Aero, MetricPoint } from '@aeroml/core';
import type { LogPage, MetricSeries, MetricsPage } from '../shared/api-types.js';
import { lttb } from '../shared/lttb.js';
import { nonFiniteMarker, type NonFiniteMarker } from '../shared/non-finite.js';

/** Points per series sent to the browser: enough for a wide chart, few enough to stay smooth. */
export const MAX_POINTS = 4_000;
/** Bytes of a log sent at once (its end: where a failure is). */
const MAX_LOG = 1_000_000;

export async function metricsPage(aero: Aero, ref: string, maxPoints = MAX_POINTS): Promise<MetricsPage> {
  const { getRun, readRunMetrics } = await import('@aeroml/core');
  const run = await getRun(aero, ref);
  const metrics = await readRunMetrics(aero, run);
  const series: MetricSeries[] = [...toSeries('', metrics.run, maxPoints)];
  for (const [instance, points] of Object.entries(metrics.instances)) series.push(...toSeries(instance, points, maxPoints));
  return { series };
}

function toSeries(instance: string, points: MetricPoint[], maxPoints: number): MetricSeries[] {
  const byName = new Map<string, MetricPoint[]>();
  for (const p of points) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return [...byName].map(([name, list]) => {
    const sampled = lttb(list.map((p) => p.step), list.map((p) => p.value), maxPoints);
    // JSON has no NaN/Infinity: `null` in `values` (readers of numbers keep working) and a
    // marker saying which, so a diverged loss is not mistaken for a missing point.
    const nonFinite: Record<string, NonFiniteMarker> = {};
    const values = sampled.ys.map((v, i) => {
      const marker = nonFiniteMarker(v);
      if (marker === undefined) return v;
      nonFinite[i] = marker;
      return null;
    });
    return { instance, name, steps: sampled.xs, values, nonFinite, points: list.length };
  });
}

export async function logPage(aero: Aero, ref: string, instance: string): Promise<LogPage> {
  const { getRun, readLog, findEntry } = await import('@aeroml/core');
  const run = await getRun(aero, ref);
  const entry = findEntry(run, instance);
  const text = await readLog(aero, run, entry.id);
  const truncated = text.length > MAX_LOG;
  return { instance: entry.id, text: truncated ? text.slice(-MAX_LOG) : text, truncated };
}
