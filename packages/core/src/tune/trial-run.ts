import type { MetricPoint } from '../contracts/tracker.js';
import type { Aero } from '../engine.js';
import { AeroError, ErrorCodes } from '../errors.js';
import { traceCode } from '../errors/trace.js';
import { StoreKeys } from '../keys.js';
import { readRunMetrics } from '../metrics-read.js';
import type { ActionEntry, GitInfo, RunRecord } from '../runs.js';
import { reduceMetric, type Objective } from './objective.js';
import type { TrialState } from './study-record.js';

export interface TrialOutcome {
  state: Exclude<TrialState, 'running'>;
  values?: number[];
  runId?: string;
  cacheKey?: string;
  cached?: boolean;
  error?: { code: string; message: string };
}

export interface TrialRunOptions {
  number: number;
  /** For messages: `lr=0.01 depth=3`. */
  label: string;
  objectives: Objective[];
  /** The study's signal (Ctrl-C): the trial is interrupted, not pruned. */
  signal?: AbortSignal | undefined;
  /** Each point of the first objective's metric as it is logged; true = prune the trial now. */
  onIntermediate?: ((value: number, step: number) => Promise<boolean>) | undefined;
  launcher?: string | undefined;
  concurrency?: number | undefined;
  name: string;
  /** Read once per study (see RunOptions.git). */
  git?: GitInfo | undefined;
  sweepId: string;
  tags: Record<string, string>;
}

/** The error a pruned trial's action sees as `signal.reason`, and the trial records. */
export function prunedError(number: number, step: number): AeroError {
  return new AeroError(ErrorCodes.TUNE_TRIAL_PRUNED, `Trial ${number} was pruned at step ${step}: its intermediate value is worse than the pruner allows.`, {
    details: { trial: number, step },
  });
}

/**
 * Runs one trial as one pipeline run of `aero` (opened with the trial's overrides) and
 * reads each objective from the metrics its action logged: live from the run's events
 * when it ran, from the run that produced the cached result when it was a cache hit.
 */
export async function runTrial(aero: Aero, options: TrialRunOptions): Promise<TrialOutcome> {
  const controller = new AbortController();
  const onStudyAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) return { state: 'interrupted' };
  options.signal?.addEventListener('abort', onStudyAbort, { once: true });
  const objectiveActions = new Set(options.objectives.map((o) => o.action));
  const live = new Map<string, MetricPoint[]>();
  const first = options.objectives[0]!;
  let reports = Promise.resolve();
  const off = aero.on((event) => {
    if (event.type !== 'action:metrics') return;
    let points = live.get(event.instanceId);
    if (!points) live.set(event.instanceId, (points = []));
    points.push(...event.points);
    if (!options.onIntermediate || controller.signal.aborted) return;
    for (const p of event.points) {
      if (p.name !== first.metric || !Number.isFinite(p.value)) continue;
      // Reports go to the pruner one at a time, in the order they were logged.
      reports = reports.then(async () => {
        if (controller.signal.aborted) return;
        if (await options.onIntermediate!(p.value, p.step)) controller.abort(prunedError(options.number, p.step));
      });
    }
  });
  let record: RunRecord;
  try {
    const summary = await aero.run({
      signal: controller.signal,
      name: options.name,
      sweepId: options.sweepId,
      tags: options.tags,
      ...(options.git ? { git: options.git } : {}),
      ...(options.launcher ? { launcher: options.launcher } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    await reports.catch(() => undefined);
    record = summary.record;
  } finally {
    off();
    options.signal?.removeEventListener('abort', onStudyAbort);
  }
  const reason = controller.signal.reason as { code?: string; message?: string } | undefined;
  if (controller.signal.aborted && reason?.code === ErrorCodes.TUNE_TRIAL_PRUNED) {
    return { state: 'pruned', runId: record.id, error: { code: ErrorCodes.TUNE_TRIAL_PRUNED, message: reason.message ?? 'pruned' } };
  }
  if (options.signal?.aborted) return { state: 'interrupted', runId: record.id };

  const entries = new Map<string, ActionEntry>();
  for (const entry of record.actions) if (objectiveActions.has(entry.action)) entries.set(entry.action, entry);
  const values: number[] = [];
  // Cached only when the run cost nothing: any action that ran (or failed), say an upstream one whose
  // param changes an output the objective does not read, makes it a trial that ran, objective hit or not.
  const cached = record.actions.every((a) => a.status === 'cached' || a.status === 'skipped');
  let cacheKey: string | undefined;
  for (const objective of options.objectives) {
    const entry = entries.get(objective.action)!;
    cacheKey ??= entry.cacheKey;
    if (entry.status !== 'ran' && entry.status !== 'cached') {
      const error = entry.error ?? { code: ErrorCodes.ACTION_FAILED, message: `\`${entry.id}\` was ${entry.status}${entry.reason ? `: ${entry.reason}` : ''}` };
      return { state: 'failed', runId: record.id, ...(cacheKey ? { cacheKey } : {}), error: { code: error.code, message: `Trial ${options.number} (${options.label}): ${error.message}` } };
    }
    const points = entry.status === 'ran' ? (live.get(entry.id) ?? []) : await producerPoints(aero, entry);
    const value = reduceMetric(points, objective);
    if (value === undefined) {
      const logged = [...new Set(points.map((p) => p.name))];
      return {
        state: 'failed',
        runId: record.id,
        ...(cacheKey ? { cacheKey } : {}),
        error: objectiveMissing(
          `Trial ${options.number} (${options.label}): action \`${objective.action}\` finished without logging the metric \`${objective.metric}\` (${logged.length ? `it logged ${logged.map((n) => `\`${n}\``).join(', ')}` : 'it logged no metric'}). Log it with log.metric('${objective.metric}', value).`,
        ),
      };
    }
    if (!Number.isFinite(value)) {
      return { state: 'failed', runId: record.id, ...(cacheKey ? { cacheKey } : {}), error: objectiveMissing(`Trial ${options.number} (${options.label}): \`${objective.action}.${objective.metric}\` is ${value}, not a finite number.`) };
    }
    values.push(value);
  }
  return { state: 'complete', values, runId: record.id, ...(cacheKey ? { cacheKey } : {}), cached };
}

/**
 * The metric points of a cached instance: logged by the run whose result the cache
 * served. From its metrics.jsonl (the file tracker's), else the last values its run
 * record kept per metric.
 */
async function producerPoints(aero: Aero, entry: ActionEntry): Promise<MetricPoint[]> {
  if (!entry.cacheKey) return [];
  const hit = await aero.lookupCache(entry.cacheKey);
  if (!hit) return [];
  const bytes = await aero.plugins.store.getBytes(StoreKeys.runRecord(hit.runId));
  if (!bytes) return [];
  const producer = JSON.parse(Buffer.from(bytes).toString('utf8')) as RunRecord;
  const metrics = await readRunMetrics(aero, producer);
  const points = metrics.instances[hit.instanceId];
  if (points && points.length > 0) return points;
  const last = (producer.actions.find((a) => a.id === hit.instanceId) as (ActionEntry & { metrics?: Record<string, number> }) | undefined)?.metrics ?? {};
  return Object.entries(last).map(([name, value], step) => ({ name, value, step, timestamp: 0 }));
}

/**
 * A trial's missing objective is data (the study goes on), not a thrown AeroError, so it is
 * traced by hand for the "every declared code is triggered by a test" check.
 */
function objectiveMissing(message: string): { code: string; message: string } {
  traceCode(ErrorCodes.TUNE_OBJECTIVE_MISSING);
  return { code: ErrorCodes.TUNE_OBJECTIVE_MISSING, message };
}
