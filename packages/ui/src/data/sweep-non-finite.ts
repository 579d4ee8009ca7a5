import type { Aero, CacheEntry, MetricPoint, RunRecord } from '@aeroml/core';
import { nonFiniteMarker, type NonFiniteMarker } from '../shared/non-finite.js';
import type { LastMetric } from './runs.js';

/**
 * Which of a trial's `null` last values are NaN, +Infinity or -Infinity. The run record is
 * JSON, so it keeps all three (and nothing else) as `null`; the metrics.jsonl series still
 * has them, so only trials with a `null` read their series. The last point is the series'
 * last after sorting by step (later wins on a tie), the point the run record kept.
 */
export async function nonFiniteLast(aero: Aero, run: RunRecord, last: LastMetric[], producers: Map<string, CacheEntry>, runs: Map<string, RunRecord>): Promise<Record<string, NonFiniteMarker>> {
  const out: Record<string, NonFiniteMarker> = {};
  const missing = last.filter((m) => m.value === null);
  if (missing.length === 0) return out;
  const { readRunMetrics } = await import('@aeroml/core');
  const series = new Map<string, Promise<Record<string, MetricPoint[]>>>();
  const pointsOf = (source: RunRecord) => {
    if (!series.has(source.id)) series.set(source.id, readRunMetrics(aero, source).then((m) => m.instances));
    return series.get(source.id)!;
  };
  for (const m of missing) {
    // A cached instance that logged nothing itself shows the values of the run that produced
    // it (sweep.ts, withProducerMetrics): its series are there too.
    const action = run.actions.find((a) => a.id === m.instance) as (RunRecord['actions'][number] & { metrics?: unknown }) | undefined;
    const hit = action?.status === 'cached' && action.cacheKey && !action.metrics ? producers.get(action.cacheKey) : undefined;
    const source = hit ? runs.get(hit.runId) : run;
    if (!source) continue;
    const points = (await pointsOf(source))[hit ? hit.instanceId : m.instance] ?? [];
    const lastPoint = points.filter((p) => p.name === m.name).at(-1);
    const marker = lastPoint ? nonFiniteMarker(lastPoint.value) : undefined;
    if (marker) out[m.key] = marker;
  }
  return out;
}
