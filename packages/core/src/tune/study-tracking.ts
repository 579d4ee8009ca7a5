import { join } from 'node:path';
import type { MetricPoint, RunStatus } from '../contracts/tracker.js';
import type { Aero } from '../engine.js';
import type { GitInfo } from '../runs.js';
import { TrackerFanout } from '../run/trackers.js';
import { bestTrials } from './results.js';
import type { SearchSpace } from './space.js';
import { studyDir, type StudyRecord, type TrialRecord } from './study-record.js';

/** The study's run id in the trackers: kept in the record, `tune-<name>` for records that predate it. */
export const studyRunId = (record: StudyRecord): string => record.runId ?? `tune-${record.name}`;

/**
 * The study as one run in the trackers (RunInfo.study): started once per `aero tune`
 * (a resumed study starts the same run id again), the parent the trials' runs name as
 * their `sweepId`. Its params are the search space and the study's settings; after each
 * finished trial it logs that trial's objective values and, for one objective, the best
 * so far, at step = trial number. A tracker that fails only warns: the study goes on.
 */
export class StudyTracking {
  private readonly trackers: TrackerFanout;
  private readonly runId: string;
  private readonly startedAt = Date.now();

  constructor(
    private readonly base: Aero,
    private readonly record: StudyRecord,
    warn: (message: string) => void,
  ) {
    this.trackers = new TrackerFanout(base.plugins.trackers, warn);
    this.runId = studyRunId(record);
  }

  async start(space: SearchSpace, git: GitInfo): Promise<void> {
    const { base, record } = this;
    await this.trackers.call('init', (t) => base.initTracker(t));
    await this.trackers.call('startRun', (t) =>
      t.startRun({
        runId: this.runId,
        project: base.project,
        runName: record.name,
        startedAt: new Date(this.startedAt).toISOString(),
        git,
        params: {
          // `train.lr=tag(log, interval(1e-4, 1))` → space.train.lr: tag(log, interval(1e-4, 1))
          space: Object.fromEntries(space.dimensions.map((d) => [d.key, d.text.slice(d.text.indexOf('=') + 1)])),
          ...(record.fixed.length ? { fixed: record.fixed.join(' ') } : {}),
          objectives: record.objectives.map((o) => `${o.action}.${o.metric}:${o.reducer}:${o.direction}`).join(' '),
          sampler: record.sampler,
          pruner: record.pruner,
          seed: record.seed,
        },
        tags: { 'aero.tune.study': record.name },
        // Its own folder in the study's (tracker spools live there): not a pipeline run under runs/.
        runDir: join(studyDir(base.dir, record.name), 'run'),
        dev: false,
        sweepId: this.runId,
        study: { name: record.name },
      }),
    );
  }

  /**
   * The first trial number whose best-so-far point is not logged yet. Trials run side by
   * side (`-j 2`) finish in any order, but `best` at step N is the best of trials 0..N: it is
   * logged once every trial up to N has finished. Those of an earlier invocation were logged then.
   */
  private nextBest = 0;

  /** After a trial finished (in any state): its values, and the best-so-far points now due (one objective). */
  async trialFinished(trial: TrialRecord): Promise<void> {
    const timestamp = Date.now();
    const points: MetricPoint[] =
      trial.state === 'complete' && trial.values ? this.record.objectives.map((o, i) => ({ name: `${o.action}.${o.metric}`, value: trial.values![i]!, step: trial.number, timestamp })) : [];
    if (this.record.objectives.length === 1) points.push(...this.bestPointsDue(timestamp));
    if (points.length > 0) await this.trackers.call('logMetrics', (t) => t.logMetrics({ runId: this.runId }, points));
  }

  private bestPointsDue(timestamp: number): MetricPoint[] {
    const o = this.record.objectives[0]!;
    const byNumber = new Map(this.record.trials.map((t) => [t.number, t]));
    const points: MetricPoint[] = [];
    for (let t = byNumber.get(this.nextBest); t !== undefined && t.state !== 'running'; t = byNumber.get(++this.nextBest)) {
      const upTo = this.nextBest;
      const best = bestTrials({ ...this.record, trials: this.record.trials.filter((x) => x.number <= upTo) })[0];
      if (best?.value !== undefined) points.push({ name: `best.${o.action}.${o.metric}`, value: best.value, step: upTo, timestamp });
    }
    return points;
  }

  /** Trials finished before this invocation are not logged again. */
  skipFinished(): void {
    const byNumber = new Map(this.record.trials.map((t) => [t.number, t]));
    while (byNumber.get(this.nextBest) !== undefined && byNumber.get(this.nextBest)!.state !== 'running') this.nextBest++;
  }

  /** When the command ends: `interrupted` (Ctrl-C) becomes KILLED in MLflow. */
  async end(status: Exclude<RunStatus, 'running'>): Promise<void> {
    await this.trackers.call('endRun', (t) => t.endRun({ runId: this.runId }, { status, durationMs: Date.now() - this.startedAt }));
    await this.trackers.call('flush', (t) => t.flush());
  }
}
