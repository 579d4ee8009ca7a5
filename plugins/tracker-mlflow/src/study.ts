// aero tune's study as one MLflow run, the parent of its trials' runs. The core starts the
// study as a run with `RunInfo.study` set; each trial's run carries the study's run id as
// its `sweepId`. A trial's MLflow run gets `mlflow.parentRunId` = the study's MLflow run id,
// and its per-action runs nest under it as in any run. The trial's spool does not copy that
// id (it may not exist yet: offline, it is spooled too); its 'run' op names the study's
// spool instead, and the id is looked up when the op is sent, sending the study's own
// spool first when needed (`aero sync` of a trial, in another process).
import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { RunInfo } from '@aeroml/core';
import { MlflowRequestError } from './client/client.js';
import { MlflowErrorCodes } from './errors.js';
import type { RunSession } from './session.js';
import { OPS_FILE, Spool, STATE_FILE } from './spool.js';

/** Where a trial's parent lives: the study's aero run id and its spool folder (relative to the trial's spool). */
export interface ParentRef {
  runId: string;
  spoolDir: string;
}

/** The MLflow run id of the parent, or undefined when it can never exist (create a top-level run then). Throws a retryable error to wait. */
export type ResolveParent = (ref: ParentRef, childSpoolDir: string) => Promise<string | undefined>;

export class StudyRuns {
  /** Studies started on this tracker: aero run id → their session. */
  private readonly live = new Map<string, RunSession>();

  constructor(
    private readonly trackingUri: string,
    /** Opens (lock: try) another process's spool, to send it before its trials. */
    private readonly openSpool: (dir: string) => Promise<RunSession | null>,
    private readonly sendTimeoutMs: number,
  ) {}

  register(runId: string, session: RunSession): void {
    this.live.set(runId, session);
  }

  forget(runId: string): void {
    this.live.delete(runId);
  }

  /** The study a pipeline run is a trial of, when that study was started on this tracker. */
  parentOf(run: RunInfo, childSpoolDir: string): ParentRef | undefined {
    if (run.study || !run.sweepId) return undefined;
    const study = this.live.get(run.sweepId);
    return study ? { runId: run.sweepId, spoolDir: relative(childSpoolDir, study.spool.dir) } : undefined;
  }

  readonly resolve: ResolveParent = async (ref, childSpoolDir) => {
    const dir = resolve(childSpoolDir, ref.spoolDir);
    const own = [...this.live.values()].find((s) => s.spool.dir === dir);
    if (own) {
      // The study's run is created by its own session: give it one delivery attempt first.
      if (!own.spool.state.runIds[''] && own.pending > 0) await own.pump();
      const id = own.spool.state.runIds[''];
      if (id) return id;
      if (own.pending === 0) return undefined; // its creation was refused for good
      throw (own.failure as Error | null) ?? waiting(ref);
    }
    const exists = (file: string) => stat(join(dir, file)).then(() => true, () => false);
    if (!(await exists(STATE_FILE)) && !(await exists(OPS_FILE))) return undefined; // the study folder is gone
    const { spool, pending } = await Spool.open(dir, this.trackingUri);
    if (spool.state.runIds['']) return spool.state.runIds[''];
    if (pending.length === 0) return undefined; // no study spool there (deleted) or its run was refused
    const session = await this.openSpool(dir);
    if (!session) throw waiting(ref); // another live process sends it
    // As `aero sync` does: a spool with no MLflow ids yet goes to this server; one with ids stays with its own.
    if (session.spool.state.trackingUri !== this.trackingUri) {
      if (Object.keys(session.spool.state.runIds).length > 0) {
        await session.spool.unlock();
        return undefined;
      }
      session.spool.state.trackingUri = this.trackingUri;
    }
    await session.close(this.sendTimeoutMs).catch(() => undefined);
    const id = session.spool.state.runIds[''];
    if (id) return id;
    throw (session.failure as Error | null) ?? waiting(ref);
  };
}

function waiting(ref: ParentRef): MlflowRequestError {
  return new MlflowRequestError(MlflowErrorCodes.MLFLOW_UNREACHABLE, `the MLflow run of study run ${ref.runId} (the parent of this trial) is not created yet`, { retryable: true });
}
