import type { ActionStatus, RunStatus } from '../contracts/tracker.js';
import type { GitInfo, RunRecord } from '../runs.js';
import type { PinnedOutput } from '../reproduce/pin-types.js';

export interface RunOptions {
  only?: string[];
  dryRun?: boolean;
  /** Rerun selected actions even when cached. */
  force?: boolean;
  dev?: boolean;
  concurrency?: number;
  keepGoing?: boolean;
  launcher?: string;
  signal?: AbortSignal;
  /** Human-friendly run name (default: the run id). */
  name?: string;
  sweepId?: string;
  tags?: Record<string, string>;
  /** GPU device ids of this machine (`--gpus`); default: config `gpus`, else `nvidia-smi -L`. */
  gpus?: string[];
  /**
   * The git state to record, when the caller already read it (aero tune reads it once per
   * study: spawning git was a third of each trial's cost). Default: read for this run.
   */
  git?: GitInfo;
  /** `--use <action>.<output>@<tag|digest-prefix|run-id>` pins, added to the config's `use`. */
  use?: string[];
  /** Pins already resolved (aero rerun replays a run's); when given, `use` and the config's `use` are not read. */
  pins?: PinnedOutput[];
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  counts: Record<ActionStatus, number>;
  durationMs: number;
  record: RunRecord;
  /** Per instance: what happened (also for dry runs: `would-run` with a reason). */
  decisions: Array<{ instanceId: string; status: ActionStatus | 'would-run'; reason?: string }>;
}
