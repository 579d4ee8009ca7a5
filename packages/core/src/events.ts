import type { ActionStatus, MetricPoint, RunStatus } from './contracts/tracker.js';

/** Everything the engine reports while planning and running; the CLI renders these. */
export type AeroEvent =
  | { type: 'run:start'; runId: string; total: number; dryRun: boolean; launcher: string }
  | { type: 'action:start'; runId: string; instanceId: string; action: string; launcher: string }
  | { type: 'action:log'; runId: string; instanceId: string; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'action:metrics'; runId: string; instanceId: string; points: MetricPoint[] }
  | { type: 'action:status'; runId: string; instanceId: string; state: string; reason?: string }
  | {
      type: 'action:end';
      runId: string;
      instanceId: string;
      action: string;
      status: ActionStatus | 'would-run';
      durationMs: number;
      reason?: string;
      error?: { code: string; message: string; hint?: string };
    }
  | { type: 'run:end'; runId: string; status: RunStatus; durationMs: number; counts: Record<ActionStatus, number> }
  | { type: 'warning'; message: string };

export type AeroEventListener = (event: AeroEvent) => void;
