// The Tracker: maps aero's run/action lifecycle onto MLflow runs. One parent run per
// pipeline run, one nested child run (`mlflow.parentRunId`) per action instance; an aero
// tune study is one more level above its trials' runs (study.ts). Every call
// is turned into spool ops (see ops.ts) and returns at once; RunSession sends them.
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { runFolderNames, silentLogger, type Logger, type TrackerContext, type ActionInfo, type ActionStatus, type ArtifactRef, type MetricPoint, type RunInfo, type RunStatus, type Tracker, type TrackerScope } from '@aeroml/core';
import { MlflowClient, type KeyValue } from './client/client.js';
import { defaultStoreRoot, planArtifact, type ArtifactContext } from './artifacts.js';
import { mlflowError, MlflowErrorCodes, PLUGIN } from './errors.js';
import { flattenParams, runStatusFor, toMetricWire, toParamEntries, toTagEntries, truncateValue, type Truncated } from './mapping.js';
import { dataOps, type NewOp, type OpScope } from './ops.js';
import type { MlflowTrackerSettings, StoreLike } from './options.js';
import { RunSession, type SessionSettings } from './session.js';
import { OPS_FILE, Spool, spoolDirName, STATE_FILE } from './spool.js';
import { VERSION } from './version.js';
import { tagProducerRun } from './tag-artifact.js';
import { StudyRuns } from './study.js';

export interface MlflowTracker extends Tracker {
  readonly packageName: '@aeroml/tracker-mlflow';
  /** Optional in the Tracker contract (the engine never calls them); this tracker has both. */
  logParams(scope: TrackerScope, params: Record<string, unknown>): Promise<void>;
  setTags(scope: TrackerScope, tags: Record<string, string>): Promise<void>;
  /** The REST client this tracker uses (read-back, tests, scripts). */
  readonly client: MlflowClient;
  /** MLflow run id of the parent run (no instanceId) or an action's child run, once created. */
  mlflowRunId(scope: TrackerScope): string | undefined;
  /** Events not yet delivered for one aero run (0 when unknown). */
  pendingEvents(runId: string): number;
  sync(options: { runDir?: string; runsRoot: string }): Promise<{ pushed: number; remaining: number }>;
}

function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

function tagsFrom(record: Record<string, string | undefined | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}

export function createMlflowTracker(settings: MlflowTrackerSettings): MlflowTracker {
  // Set by init(): the engine's store and logger (options win when given).
  let context: TrackerContext | undefined;
  const current = () => settings.logger ?? context?.logger ?? silentLogger;
  const logger: Logger = {
    debug: (m, f) => current().debug(m, f),
    info: (m, f) => current().info(m, f),
    warn: (m, f) => current().warn(m, f),
    error: (m, f) => current().error(m, f),
  };
  const storeOf = (): StoreLike | undefined => settings.store ?? context?.store;
  const makeClient = (signal?: AbortSignal) =>
    new MlflowClient({ trackingUri: settings.trackingUri, token: settings.token, username: settings.username, password: settings.password, timeoutMs: settings.requestTimeoutMs, signal });
  let client: MlflowClient | null = null;
  const getClient = () => (client ??= makeClient());
  const sessions = new Map<string, { session: RunSession; run: RunInfo }>();
  const sessionSettings: SessionSettings = { getStore: storeOf, batchDelayMs: settings.batchDelayMs, retryDelayMs: settings.retryDelayMs, retryMaxDelayMs: settings.retryMaxDelayMs, offlineAfterAttempts: settings.offlineAfterAttempts };
  const studies = new StudyRuns(settings.trackingUri, (dir) => RunSession.open(dir, settings.trackingUri, makeClient, logger, sessionSettings, { lock: 'try' }), settings.syncTimeoutMs);
  sessionSettings.resolveParent = studies.resolve;
  const dirName = spoolDirName(settings.name);

  const sessionFor = (scope: TrackerScope, what: string) => {
    const entry = sessions.get(scope.runId);
    if (!entry) {
      throw mlflowError(MlflowErrorCodes.MLFLOW_RUN_NOT_STARTED, `${what}: run ${scope.runId} was not started on this MLflow tracker (startRun first).`, {
        hint: 'This is a bug in the caller: every tracker call needs startRun(run) for its runId first.',
      });
    }
    if (scope.instanceId !== undefined && !entry.session.actions.has(scope.instanceId)) {
      throw mlflowError(MlflowErrorCodes.MLFLOW_ACTION_NOT_STARTED, `${what}: action instance ${scope.instanceId} of run ${scope.runId} was not started on this MLflow tracker (startAction first).`, {
        hint: 'This is a bug in the caller: every action-scoped call needs startAction(action) first.',
      });
    }
    return entry;
  };

  const opScope = (scope: TrackerScope): OpScope => (scope.instanceId === undefined ? { runId: scope.runId } : { runId: scope.runId, instanceId: scope.instanceId });

  /** Ops for long values: warn, and keep the full text as an artifact of the run. */
  const keepFull = (scope: OpScope, kind: 'params' | 'tags', truncated: Truncated[], renamed: Array<[string, string]>): NewOp[] => {
    for (const [from, to] of renamed) logger.warn(`mlflow: ${kind.slice(0, -1)} key \`${from}\` is not a valid MLflow key; logged as \`${to}\`.`);
    return truncated.map((t) => {
      const limit = kind === 'params' ? 6000 : 8000;
      const path = `aero/${kind}/${t.key.replace(/\//g, '_')}.txt`;
      logger.warn(`mlflow: ${kind.slice(0, -1)} \`${t.key}\` is ${t.original.length} characters, over MLflow's ${limit}; the value is truncated and the full text is kept as artifact ${path}.`);
      return { t: 'text', scope, path, content: t.original } satisfies NewOp;
    });
  };

  const paramOps = (scope: OpScope, params: Record<string, unknown>): NewOp[] => {
    const { entries, truncated, renamed } = toParamEntries(flattenParams(params));
    return [...dataOps(scope, { params: entries }), ...keepFull(scope, 'params', truncated, renamed)];
  };

  const tagOps = (scope: OpScope, tags: Record<string, string>): NewOp[] => {
    const { entries, truncated, renamed } = toTagEntries(tags);
    return [...dataOps(scope, { tags: entries }), ...keepFull(scope, 'tags', truncated, renamed)];
  };

  const artifactContext = (run: RunInfo): ArtifactContext => ({
    resolveFile: settings.resolveFile,
    storeRoot: storeOf() ? storeOf()!.localRoot : defaultStoreRoot(run.runDir),
    remoteStore: storeOf(),
    storeUri: settings.storeUri,
    uploadThresholdBytes: settings.uploadThresholdBytes,
  });

  const tracker: MlflowTracker = {
    kind: 'tracker',
    name: settings.name,
    version: VERSION,
    packageName: PLUGIN,

    get client() {
      return getClient();
    },

    async init(ctx: TrackerContext) {
      context = ctx;
    },

    async tagArtifact(ref, tag) {
      await tagProducerRun(getClient(), settings.experimentName ?? context?.project, ref, tag);
    },

    mlflowRunId(scope) {
      const entry = sessions.get(scope.runId);
      return entry?.session.spool.state.runIds[scope.instanceId === undefined ? '' : `a:${scope.instanceId}`];
    },

    pendingEvents(runId) {
      return sessions.get(runId)?.session.pending ?? 0;
    },

    async startRun(run: RunInfo) {
      if (sessions.has(run.runId)) return;
      const spoolDir = join(run.runDir, dirName);
      const session = (await RunSession.open(spoolDir, settings.trackingUri, makeClient, logger, sessionSettings, { lock: 'throw' }))!;
      sessions.set(run.runId, { session, run });
      const parent = studies.parentOf(run, spoolDir);
      if (run.study) studies.register(run.runId, session);
      const scope: OpScope = { runId: run.runId };
      const startTime = Number.isFinite(Date.parse(run.startedAt)) ? Date.parse(run.startedAt) : Date.now();
      const createTags: KeyValue[] = toTagEntries(
        tagsFrom({
          'aero.run_id': run.runId,
          'aero.kind': run.study ? 'study' : 'run',
          'aero.project': run.project,
          'mlflow.source.name': `aero:${run.project}`,
          'mlflow.source.type': 'PROJECT',
          'mlflow.source.git.commit': run.git?.commit ?? undefined,
          'mlflow.source.git.branch': run.git?.branch ?? undefined,
          'aero.git.dirty': run.git ? String(run.git.dirty) : undefined,
          'aero.dev': String(run.dev),
          'aero.sweep_id': run.sweepId,
        }),
      ).entries;
      await session.enqueue([
        {
          t: 'run',
          scope,
          experimentName: settings.experimentName ?? run.project,
          runName: truncateValue(run.runName, 250),
          startTime,
          resume: settings.resume,
          userId: currentUser(),
          createTags,
          ...(parent ? { parent } : {}),
          // A resumed study starts its run again: the MLflow run is RUNNING until the study ends.
          ...(run.study ? { reopen: true } : {}),
        },
        ...tagOps(scope, { ...settings.tags, ...run.tags }),
        ...paramOps(scope, run.params),
      ]);
    },

    async startAction(action: ActionInfo) {
      const { session, run } = sessionFor({ runId: action.runId }, 'startAction');
      session.actions.set(action.instanceId, { cached: action.cached });
      const scope: OpScope = { runId: action.runId, instanceId: action.instanceId };
      const partition = action.partition ?? {};
      const createTags = toTagEntries(
        tagsFrom({
          'aero.run_id': action.runId,
          'aero.kind': 'action',
          'aero.instance_id': action.instanceId,
          'aero.action': action.action,
          'aero.group': action.group,
          'aero.type': action.type,
          'aero.cache_key': action.cacheKey,
          'aero.cached': String(action.cached),
          'aero.partition': Object.keys(partition).length ? JSON.stringify(partition) : undefined,
          ...Object.fromEntries(Object.entries(partition).map(([k, v]) => [`aero.partition.${k}`, String(v)])),
          'mlflow.source.name': `aero:${run.project}`,
          'mlflow.source.git.commit': run.git?.commit ?? undefined,
          'aero.git.dirty': run.git ? String(run.git.dirty) : undefined,
        }),
      ).entries;
      await session.enqueue([
        { t: 'action', scope, runName: truncateValue(action.instanceId, 250), startTime: Date.now(), userId: currentUser(), createTags },
        ...paramOps(scope, action.params),
      ]);
    },

    async logParams(scope, params) {
      const { session } = sessionFor(scope, 'logParams');
      await session.enqueue(paramOps(opScope(scope), params));
    },

    async logMetrics(scope, batch: MetricPoint[]) {
      const { session } = sessionFor(scope, 'logMetrics');
      if (batch.length === 0) return;
      const metrics = batch.map(toMetricWire);
      batch.forEach((p, i) => {
        if (metrics[i]!.key !== p.name) logger.warn(`mlflow: metric name \`${p.name}\` is not a valid MLflow key; logged as \`${metrics[i]!.key}\`.`);
      });
      await session.enqueue(dataOps(opScope(scope), { metrics }));
    },

    async logArtifact(scope, ref: ArtifactRef, direction) {
      const { session, run } = sessionFor(scope, 'logArtifact');
      const cached = scope.instanceId !== undefined && session.actions.get(scope.instanceId)?.cached === true;
      const op = await planArtifact(opScope(scope), ref, direction, cached, artifactContext(run));
      if (direction === 'output' && scope.instanceId !== undefined) session.outputs.set(ref.digest, scope.instanceId);
      if (op.t === 'artifact' && direction === 'input' && !ref.producer) op.producerInstance = session.outputs.get(ref.digest);
      await session.enqueue([op]);
    },

    async setTags(scope, tags) {
      const { session } = sessionFor(scope, 'setTags');
      await session.enqueue(tagOps(opScope(scope), tags));
    },

    async endAction(scope, result: { status: ActionStatus; durationMs: number; error?: string | undefined }) {
      const { session } = sessionFor(scope, 'endAction');
      const s = opScope(scope);
      await session.enqueue([
        ...tagOps(s, tagsFrom({ 'aero.status': result.status, 'aero.duration_ms': String(Math.round(result.durationMs)), 'aero.error': result.error })),
        { t: 'end', scope: s, status: runStatusFor(result.status), endTime: Date.now() },
      ]);
    },

    async endRun(scope, result: { status: RunStatus; durationMs: number }) {
      const { session } = sessionFor({ runId: scope.runId }, 'endRun');
      const s: OpScope = { runId: scope.runId };
      const ops: NewOp[] = tagOps(s, { 'aero.status': result.status, 'aero.duration_ms': String(Math.round(result.durationMs)) });
      if (result.status !== 'running') ops.push({ t: 'end', scope: s, status: runStatusFor(result.status), endTime: Date.now() });
      await session.enqueue(ops);
    },

    async flush() {
      const errors: unknown[] = [];
      await Promise.all(
        [...sessions.values()].map(({ session }) =>
          session.flush(settings.flushTimeoutMs).catch((error: unknown) => {
            errors.push(error);
          }),
        ),
      );
      if (errors.length > 0) throw errors[0];
    },

    async close() {
      const errors: unknown[] = [];
      const entries = [...sessions.entries()];
      await Promise.all(
        entries.map(async ([runId, { session }]) => {
          try {
            await session.close(settings.flushTimeoutMs);
          } catch (error) {
            errors.push(error);
          } finally {
            sessions.delete(runId);
            studies.forget(runId);
          }
        }),
      );
      if (errors.length > 0) throw errors[0];
    },

    async sync({ runDir, runsRoot }) {
      const dirs: string[] = [];
      if (runDir) dirs.push(runDir);
      else for (const name of await runFolderNames(runsRoot)) dirs.push(join(runsRoot, name));
      let pushed = 0;
      let remaining = 0;
      const problems: unknown[] = [];
      for (const dir of dirs) {
        const spoolDir = join(dir, dirName);
        const hasSpool = await stat(join(spoolDir, OPS_FILE)).then(
          () => true,
          () => stat(join(spoolDir, STATE_FILE)).then(
            () => true,
            () => false,
          ),
        );
        if (!hasSpool) continue;
        // A run this tracker has open: its own session sends.
        const own = [...sessions.values()].find((e) => join(e.run.runDir, dirName) === spoolDir);
        if (own) {
          const before = own.session.delivered;
          await own.session.flush(settings.syncTimeoutMs).catch((error: unknown) => problems.push(error));
          pushed += own.session.delivered - before;
          remaining += own.session.pending;
          continue;
        }
        const session = await RunSession.open(spoolDir, settings.trackingUri, makeClient, logger, sessionSettings, { lock: 'try' });
        if (!session) {
          // Another live process owns this run and sends its events itself.
          const { pending } = await Spool.open(spoolDir, settings.trackingUri);
          remaining += pending.length;
          continue;
        }
        if (session.pending === 0) {
          await session.close(0).catch(() => undefined);
          continue;
        }
        const owner = session.spool.state.trackingUri;
        if (owner !== settings.trackingUri && Object.keys(session.spool.state.runIds).length > 0) {
          remaining += session.pending;
          problems.push(
            mlflowError(MlflowErrorCodes.MLFLOW_REQUEST_FAILED, `The spool in ${spoolDir} belongs to ${owner}, not ${settings.trackingUri}; it was not synced.`, {
              hint: `Run aero sync with trackingUri ${owner}.`,
            }),
          );
          await session.spool.unlock();
          continue;
        }
        session.spool.state.trackingUri = settings.trackingUri;
        try {
          await session.close(settings.syncTimeoutMs);
        } catch (error) {
          problems.push(error);
        }
        pushed += session.delivered;
        remaining += session.pending;
      }
      if (problems.length > 0 && remaining > 0) {
        const first = problems[0] as Error;
        logger.warn(`mlflow: sync left ${remaining} event(s) spooled: ${first.message}`);
      } else if (problems.length > 0) {
        throw problems[0];
      }
      return { pushed, remaining };
    },
  };
  return tracker;
}
