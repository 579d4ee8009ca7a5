import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineTracker, type ActionInfo, type MetricPoint, type RunInfo, type Tracker, type TrackerScope, type TrackerMembers } from '@aeroml/core';
import { z } from 'zod';
import { identity, pluginError } from './errors.js';

/** Options of `jsonlTracker()`, validated when the config is loaded. */
export const jsonlTrackerOptionsSchema = z
  .object({
    /** File name inside each run's folder (`.aero/runs/<run-id>/<file>`). */
    file: z.string().regex(/^[\w.-]+$/, 'must be a plain file name').default('tracker.jsonl'),
  })
  .strict();
export type JsonlTrackerOptions = z.input<typeof jsonlTrackerOptionsSchema>;

/** One line of the log: what was called, on which scope, with what. */
type Event =
  | { e: 'run'; run: RunInfo }
  | { e: 'action'; action: ActionInfo }
  | { e: 'params'; scope: TrackerScope; params: Record<string, unknown> }
  | { e: 'metrics'; scope: TrackerScope; batch: MetricPoint[] }
  | { e: 'artifact'; scope: TrackerScope; name: string; digest: string; direction: 'input' | 'output' }
  | { e: 'tags'; scope: TrackerScope; tags: Record<string, string> }
  | { e: 'end'; scope: TrackerScope; status: string; durationMs: number };

/**
 * Records every tracker call as one JSON line appended to a file in the run's folder:
 * `plugins: [jsonlTracker()]`. Appends are queued in call order; `flush` waits for them.
 */
export const jsonlTracker: (options?: JsonlTrackerOptions) => Tracker = defineTracker({ ...identity, name: 'jsonl', factory: 'jsonlTracker', options: jsonlTrackerOptionsSchema, setup: createJsonlTracker });

function createJsonlTracker(settings: z.output<typeof jsonlTrackerOptionsSchema>): TrackerMembers {
  const files = new Map<string, string>();
  let queue: Promise<void> = Promise.resolve();
  const append = (runId: string, event: Event): Promise<void> => {
    const file = files.get(runId);
    if (!file) return Promise.reject(pluginError('JSONL_TRACKER_UNKNOWN_RUN', `Run ${runId} was not started with this tracker.`, 'Call startRun first.'));
    const line = `${JSON.stringify(event)}\n`;
    const write = queue.then(() => appendFile(file, line));
    queue = write.catch(() => undefined); // one failed append must not block the next ones
    return write.catch((error: unknown) => {
      throw pluginError('JSONL_TRACKER_WRITE_FAILED', `Could not append to ${file}: ${(error as Error).message}.`, 'Check that the run folder is writable.', error);
    });
  };
  return {
    async startRun(run) {
      await mkdir(run.runDir, { recursive: true });
      files.set(run.runId, join(run.runDir, settings.file));
      await append(run.runId, { e: 'run', run });
    },
    startAction: (action) => append(action.runId, { e: 'action', action }),
    logParams: (scope, params) => append(scope.runId, { e: 'params', scope, params }),
    logMetrics: (scope, batch) => append(scope.runId, { e: 'metrics', scope, batch }),
    logArtifact: (scope, ref, direction) => append(scope.runId, { e: 'artifact', scope, name: ref.name, digest: ref.digest, direction }),
    setTags: (scope, tags) => append(scope.runId, { e: 'tags', scope, tags }),
    endAction: (scope, result) => append(scope.runId, { e: 'end', scope, status: result.status, durationMs: result.durationMs }),
    endRun: (scope, result) => append(scope.runId, { e: 'end', scope, status: result.status, durationMs: result.durationMs }),
    flush: () => queue,
    close: () => queue,
  };
}

export interface RecordedScope {
  params: Record<string, unknown>;
  tags: Record<string, string>;
  metrics: MetricPoint[];
  status?: string;
  artifacts: Array<{ direction: 'input' | 'output'; name: string; digest: string }>;
}

/** Reads a run's log back: the run-level scope and one scope per action instance. */
export async function readJsonlTracker(runDir: string, file = 'tracker.jsonl'): Promise<{ run: RecordedScope; actions: Record<string, RecordedScope> }> {
  const text = await readFile(join(runDir, file), 'utf8');
  const scope = (): RecordedScope => ({ params: {}, tags: {}, metrics: [], artifacts: [] });
  const run = scope();
  const actions: Record<string, RecordedScope> = {};
  const of = (s: TrackerScope) => (s.instanceId ? (actions[s.instanceId] ??= scope()) : run);
  for (const line of text.split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line) as Event;
    if (event.e === 'run') Object.assign(run.params, event.run.params), Object.assign(run.tags, event.run.tags);
    else if (event.e === 'action') Object.assign(of(event.action).params, event.action.params);
    else if (event.e === 'params') Object.assign(of(event.scope).params, event.params);
    else if (event.e === 'metrics') of(event.scope).metrics.push(...event.batch);
    else if (event.e === 'artifact') of(event.scope).artifacts.push({ direction: event.direction, name: event.name, digest: event.digest });
    else if (event.e === 'tags') Object.assign(of(event.scope).tags, event.tags);
    else if (event.e === 'end') of(event.scope).status = event.status;
  }
  // Batches may arrive out of step order; readers expect each metric in step order.
  for (const s of [run, ...Object.values(actions)]) s.metrics.sort((a, b) => a.name.localeCompare(b.name) || a.step - b.step);
  return { run, actions };
}
