import type { Aero } from '@aeroml/core';
import type { SweepPage } from '../shared/api-types.js';
import { differingKeys, flattenParams } from '../shared/params.js';
import { lastMetrics } from './runs.js';

/** The trials of a sweep (`aero run -m`): the params that vary and each trial's final metrics. */
export async function sweepPage(aero: Aero, sweepId: string): Promise<SweepPage> {
  const { listRuns, AeroError, ErrorCodes } = await import('@aeroml/core');
  const runs = (await listRuns(aero)).filter((r) => r.sweepId === sweepId).reverse();
  if (runs.length === 0) {
    throw new AeroError(ErrorCodes.RUN_NOT_FOUND, `No run belongs to sweep \`${sweepId}\`.`, { hint: 'List sweeps with `aero ps`; a sweep is started with `aero run -m key=a,b`.' });
  }
  const flat = runs.map((r) => flattenParams(r.params));
  const paramKeys = differingKeys(flat);
  const trials = runs.map((r, i) => ({ id: r.id, name: r.name, status: r.status, params: Object.fromEntries(paramKeys.map((k) => [k, flat[i]![k]])), metrics: lastMetrics(r) }));
  const metricKeys = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))].sort();
  return { id: sweepId, trials, paramKeys, metricKeys };
}
