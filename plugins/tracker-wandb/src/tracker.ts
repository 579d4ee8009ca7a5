// The Tracker: turns engine calls into spool ops (one W&B run per action instance plus
// one for the pipeline run), and keeps a background sender draining the spool while online.
import { hostname } from 'node:os';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runFolderNames } from '@aeroml/core';
import type { ActionInfo, ActionStatus, AeroError, ArtifactRef, MetricPoint, PluginBase, RunInfo, RunStatus, Tracker, TrackerContext, TrackerScope } from '@aeroml/core';
import { aeroDirOf, locateFiles } from './artifacts.js';
import { WandbClient } from './client.js';
import { resolveConnection, resolveMode, type Connection, type Mode } from './credentials.js';
import { wandbError, WandbErrorCodes, type WandbErrorCode } from './errors.js';
import { deepMerge, exitCode, historyRows, metricKey, sanitizeProject, tagList, toJsonSafe, wbRunId, wrapConfig } from './mapping.js';
import type { ResolvedWandbOptions } from './options.js';
import { Sender, type SendOutcome } from './sender.js';
import { OUTBOX, readOutbox, readState, Spool, SPOOL_DIR, STATE, type UpsertFields, type WbRunRef } from './spool.js';
import { VERSION } from './version.js';
import { aliasLoggedArtifact } from './tag-alias.js';

interface WbRun {
  ref: WbRunRef;
  displayName: string;
  groupName: string | undefined;
  jobType: string;
  params: Record<string, unknown>;
  aero: Record<string, unknown>;
  tags: Record<string, string>;
  last: Map<string, { step: number; value: unknown }>;
  startedAtMs: number;
  finished: boolean;
}

interface RunContext {
  info: RunInfo;
  /** `--dev` runs and `disabled` mode record nothing and never contact W&B. */
  inert: boolean;
  spool?: Spool;
  pipeline?: WbRun;
  actions: Map<string, WbRun>;
  timer?: NodeJS.Timeout | undefined;
  pumping?: Promise<void> | undefined;
  again: boolean;
  coolDownUntil: number;
  last?: SendOutcome | undefined;
  error?: unknown;
}

export interface WandbTracker extends Tracker {
  /** Optional in the Tracker contract (the engine never calls them); this tracker has both. */
  logParams(scope: TrackerScope, params: Record<string, unknown>): Promise<void>;
  setTags(scope: TrackerScope, tags: Record<string, string>): Promise<void>;
  /** Spool folder of a run (`<runDir>/wandb`), for tools and tests. */
  spoolDir(runId: string): string | undefined;
  /** What the last send of a run achieved. */
  lastOutcome(runId: string): SendOutcome | undefined;
}

const COOL_DOWN_MS = 15_000;

export function createWandbTracker(options: ResolvedWandbOptions): Omit<WandbTracker, keyof PluginBase> {
  const runs = new Map<string, RunContext>();
  /** From init(): where the run folders (and their spools) are, for tagArtifact. */
  let tagContext: TrackerContext | undefined;
  let connection: Promise<Connection> | undefined;
  let client: WandbClient | undefined;
  let sender: Sender | undefined;
  let mode: Mode | undefined;

  const getMode = () => (mode ??= resolveMode(options));
  const getConnection = () => (connection ??= resolveConnection(options));

  async function getSender(): Promise<Sender | undefined> {
    const conn = await getConnection();
    if (!conn.apiKey) return undefined;
    client ??= new WandbClient({ baseUrl: conn.baseUrl, apiKey: conn.apiKey, timeoutMs: options.timeoutMs, retry: options.retry, userAgent: `aero-tracker-wandb/${VERSION} (node ${process.versions.node})` });
    sender ??= new Sender({ client, entity: options.entity ?? process.env.WANDB_ENTITY, maxLinesPerRequest: options.maxLinesPerRequest });
    return sender;
  }

  function context(runId: string): RunContext {
    const ctx = runs.get(runId);
    if (!ctx) {
      throw wandbError(WandbErrorCodes.WANDB_RUN_NOT_STARTED, `The W&B tracker got a call for run ${runId}, which startRun() never opened.`, {
        hint: 'Call tracker.startRun(run) before any other call for that run.',
      });
    }
    return ctx;
  }

  function target(scope: TrackerScope): { ctx: RunContext; run: WbRun | undefined } {
    const ctx = context(scope.runId);
    if (ctx.inert) return { ctx, run: undefined };
    if (scope.instanceId === undefined) return { ctx, run: ctx.pipeline };
    const run = ctx.actions.get(scope.instanceId);
    if (!run) {
      throw wandbError(WandbErrorCodes.WANDB_RUN_NOT_STARTED, `The W&B tracker got a call for action instance ${scope.instanceId} of run ${scope.runId}, which startAction() never opened.`, {
        hint: 'Call tracker.startAction(action) before logging for that instance.',
      });
    }
    return { ctx, run };
  }

  function upsertFields(ctx: RunContext, run: WbRun): UpsertFields {
    return {
      displayName: run.displayName,
      groupName: run.groupName,
      jobType: run.jobType,
      config: wrapConfig({ ...run.params, _aero: { ...run.aero, tags: run.tags } }),
      tags: tagList(run.tags, options.tags),
      notes: options.notes,
      commit: ctx.info.git?.commit ?? undefined,
      host: hostname(),
    };
  }

  async function append(ctx: RunContext, op: Parameters<Spool['append']>[0]): Promise<void> {
    await ctx.spool!.append(op);
    schedule(ctx);
  }

  /** Starts a background send after `flushIntervalMs`, unless one is due or W&B is cooling down. */
  function schedule(ctx: RunContext): void {
    if (getMode() !== 'online' || ctx.timer || Date.now() < ctx.coolDownUntil) return;
    ctx.timer = setTimeout(() => {
      ctx.timer = undefined;
      void pump(ctx).catch(() => undefined);
    }, options.flushIntervalMs);
    ctx.timer.unref?.();
  }

  /** One sender pass at a time per run; a request during a pass runs another pass after it. */
  function pump(ctx: RunContext): Promise<void> {
    if (ctx.pumping) {
      ctx.again = true;
      return ctx.pumping;
    }
    ctx.pumping = (async () => {
      ctx.error = undefined;
      try {
        do {
          ctx.again = false;
          const s = await getSender();
          if (!s || !ctx.spool) return;
          await ctx.spool.settled();
          const outcome = await s.send(ctx.spool, { retryRejected: false });
          ctx.last = outcome;
          if (outcome.unreachable || outcome.unauthorized || outcome.fatal) {
            ctx.coolDownUntil = Date.now() + COOL_DOWN_MS;
            return;
          }
          ctx.coolDownUntil = 0;
        } while (ctx.again);
      } catch (error) {
        ctx.error = error;
      } finally {
        ctx.pumping = undefined;
      }
    })();
    return ctx.pumping;
  }

  async function flushRun(ctx: RunContext): Promise<void> {
    if (ctx.inert || !ctx.spool) return;
    if (ctx.timer) {
      clearTimeout(ctx.timer);
      ctx.timer = undefined;
    }
    await ctx.spool.settled();
    if (getMode() !== 'online') return;
    if (ctx.pumping) await ctx.pumping;
    await pump(ctx);
  }

  /** The one problem to report for a run after a flush, if anything is left unsent. */
  async function problemOf(ctx: RunContext): Promise<AeroError | undefined> {
    if (ctx.inert || !ctx.spool) return undefined;
    const remaining = ctx.spool.pending().length;
    const where = ctx.spool.dir;
    if (ctx.error) return ctx.error as AeroError;
    if (remaining === 0) return undefined;
    const conn = await getConnection();
    if (getMode() === 'offline') return undefined;
    if (!conn.apiKey) {
      return wandbError(WandbErrorCodes.WANDB_NO_API_KEY, `No W&B API key found, so nothing was sent: ${remaining} operations are spooled in ${where}. Set WANDB_API_KEY (or \`apiKey\` in wandbTracker) and run \`aero sync wandb\` to upload them.`, {
        hint: 'To only spool on purpose, set `mode: "offline"` (or WANDB_MODE=offline).',
        details: { remaining, spool: where },
      });
    }
    const last = ctx.last;
    if (last?.fatal) return last.fatal;
    if (last?.unauthorized) {
      return wandbError(WandbErrorCodes.WANDB_AUTH_FAILED, `W&B at ${conn.baseUrl} rejected the API key from ${conn.keySource} (${last.unauthorized.message}); ${remaining} operations stay spooled in ${where}.`, {
        hint: 'Check the key (wandb.ai/authorize), then run `aero sync wandb`.',
        cause: last.unauthorized,
        details: { remaining, spool: where },
      });
    }
    if (last?.unreachable) {
      return wandbError(WandbErrorCodes.WANDB_UNREACHABLE, `Could not reach W&B at ${conn.baseUrl} (${last.unreachable.message}); ${remaining} operations stay spooled in ${where}. Run \`aero sync wandb\` once the service is reachable.`, {
        cause: last.unreachable,
        details: { remaining, spool: where },
      });
    }
    const rejected = Object.entries(ctx.spool.state.rejected);
    if (rejected.length > 0) {
      const [seq, first] = rejected[0]!;
      return wandbError(WandbErrorCodes.WANDB_REQUEST_REJECTED, `W&B refused ${rejected.length} operations (first, op ${seq}: ${first.message}); they stay spooled in ${where}.`, {
        hint: 'Fix the cause (permissions, names), then run `aero sync wandb` to retry them.',
        details: { remaining, spool: where, rejected: rejected.length },
      });
    }
    return wandbError(WandbErrorCodes.WANDB_UNREACHABLE, `${remaining} W&B operations could not be sent yet and stay spooled in ${where}. Run \`aero sync wandb\` to upload them.`, {
      details: { remaining, spool: where },
    });
  }

  function newWbRun(ctx: RunContext, name: string, displayName: string, groupName: string | undefined, jobType: string, params: Record<string, unknown>, aero: Record<string, unknown>, tags: Record<string, string>): WbRun {
    return {
      ref: { project: sanitizeProject(options.project ?? ctx.info.project), name },
      displayName,
      groupName,
      jobType,
      params: structuredClone(params),
      aero,
      tags: { ...tags },
      last: new Map(),
      startedAtMs: Date.now(),
      finished: false,
    };
  }

  function summaryOf(run: WbRun, extra: Record<string, unknown>): Record<string, unknown> {
    const summary: Record<string, unknown> = {};
    for (const [name, point] of run.last) summary[name] = point.value;
    return { ...summary, ...extra };
  }

  async function finish(ctx: RunContext, run: WbRun, status: ActionStatus | RunStatus, extra: Record<string, unknown>): Promise<void> {
    run.finished = true;
    await append(ctx, { type: 'finish', run: run.ref, exitcode: exitCode(status), summary: summaryOf(run, { 'aero/status': status, ...extra }) });
  }

  // Identity (kind, name, version, packageName) comes from defineTracker in index.ts.
  const tracker: Omit<WandbTracker, keyof PluginBase> = {

    async init(ctx: TrackerContext) {
      tagContext = ctx;
    },

    async tagArtifact(ref: ArtifactRef, tag: string) {
      const s = await getSender();
      if (!s) throw wandbError(WandbErrorCodes.WANDB_NO_API_KEY, 'No W&B API key, so the tag cannot be mirrored as an alias.', { hint: 'Set WANDB_API_KEY (or apiKey in wandbTracker({...})).' });
      await aliasLoggedArtifact(client!, options.entity ?? process.env.WANDB_ENTITY, tagContext, ref, tag);
    },

    async startRun(info: RunInfo) {
      const inert = info.dev || getMode() === 'disabled';
      const ctx: RunContext = { info, inert, actions: new Map(), again: false, coolDownUntil: 0 };
      runs.set(info.runId, ctx);
      if (inert) return;
      ctx.spool = new Spool(info.runDir);
      await ctx.spool.open(info.runId);
      // Absent fields stay out of the W&B config: wrapConfig drops undefined values.
      const aero = { runId: info.runId, runName: info.runName, project: info.project, startedAt: info.startedAt, git: info.git, sweepId: info.sweepId };
      // The runs of one sweep (aero run -m, aero tune's trials) share one W&B group: the sweep id.
      ctx.pipeline = newWbRun(ctx, wbRunId(info.runId), info.runName, info.sweepId ?? info.runId, 'pipeline', info.params, aero, info.tags);
      await append(ctx, { type: 'upsert', run: ctx.pipeline.ref, fields: upsertFields(ctx, ctx.pipeline) });
    },

    async startAction(action: ActionInfo) {
      const ctx = context(action.runId);
      if (ctx.inert) return;
      const groupName = options.group === 'run' ? (ctx.info.sweepId ?? action.runId) : (action.group ?? action.action);
      const aero = {
        runId: action.runId,
        runName: ctx.info.runName,
        instanceId: action.instanceId,
        action: action.action,
        ...(action.group ? { group: action.group } : {}),
        ...(action.type ? { type: action.type } : {}),
        ...(action.partition ? { partition: action.partition } : {}),
        cacheKey: action.cacheKey,
        cached: action.cached,
      };
      const run = newWbRun(ctx, wbRunId(action.runId, action.instanceId), `${ctx.info.runName}/${action.instanceId}`, groupName, action.type ?? action.action, action.params, aero, ctx.info.tags);
      ctx.actions.set(action.instanceId, run);
      await append(ctx, { type: 'upsert', run: run.ref, fields: upsertFields(ctx, run) });
    },

    async logParams(scope, params) {
      const { ctx, run } = target(scope);
      if (!run) return;
      run.params = deepMerge(run.params, structuredClone(params));
      await append(ctx, { type: 'upsert', run: run.ref, fields: upsertFields(ctx, run) });
    },

    async setTags(scope, tags) {
      const { ctx, run } = target(scope);
      if (!run) return;
      Object.assign(run.tags, tags);
      await append(ctx, { type: 'upsert', run: run.ref, fields: upsertFields(ctx, run) });
    },

    async logMetrics(scope, batch: MetricPoint[]) {
      const { ctx, run } = target(scope);
      if (!run || batch.length === 0) return;
      for (const point of batch) {
        const key = metricKey(point.name);
        const prev = run.last.get(key);
        if (!prev || point.step >= prev.step) run.last.set(key, { step: point.step, value: toJsonSafe(point.value) });
      }
      await append(ctx, { type: 'history', run: run.ref, rows: historyRows(batch, run.startedAtMs) });
    },

    async logArtifact(scope, ref: ArtifactRef, direction) {
      const { ctx, run } = target(scope);
      if (!run || options.artifacts === 'none') return;
      const files = await locateFiles(ref, options.store?.localRoot ?? aeroDirOf(ctx.info.runDir), options.resolveFile);
      const { files: _files, ...rest } = ref;
      const cached = scope.instanceId !== undefined && (run.aero.cached as boolean | undefined) === true;
      await append(ctx, { type: 'artifact', run: run.ref, direction, cached, storage: options.artifacts === 'reference' ? 'reference' : 'upload', ref: structuredClone(rest), files });
    },

    async endAction(scope, result) {
      const { ctx, run } = target(scope);
      if (!run) return;
      await finish(ctx, run, result.status, { 'aero/duration_ms': result.durationMs, ...(result.error ? { 'aero/error': result.error } : {}) });
    },

    async endRun(scope, result) {
      const { ctx, run } = target(scope);
      if (!run) return;
      for (const action of ctx.actions.values()) if (!action.finished) await finish(ctx, action, 'interrupted', {});
      await finish(ctx, run, result.status, { 'aero/duration_ms': result.durationMs, 'aero/actions': ctx.actions.size });
    },

    async flush() {
      await Promise.all([...runs.values()].map((ctx) => flushRun(ctx)));
      // Anything left unsent is reported (the engine shows it as a warning); it stays spooled.
      const problems: AeroError[] = [];
      for (const ctx of runs.values()) {
        const problem = await problemOf(ctx);
        if (problem) problems.push(problem);
      }
      throwProblems(problems);
    },

    async close() {
      await tracker.flush();
      const problems: AeroError[] = [];
      for (const ctx of runs.values()) {
        if (ctx.timer) clearTimeout(ctx.timer);
        const problem = await problemOf(ctx);
        if (problem) problems.push(problem);
      }
      runs.clear();
      throwProblems(problems);
    },

    async sync({ runDir, runsRoot }) {
      const conn = await getConnection();
      if (!conn.apiKey) {
        throw wandbError(WandbErrorCodes.WANDB_NO_API_KEY, `No W&B API key found, so \`aero sync wandb\` cannot upload the spooled runs.`, {
          hint: 'Set WANDB_API_KEY (or `apiKey` in wandbTracker, or log in so ~/.netrc has the key) and run it again.',
        });
      }
      const s = (await getSender())!;
      const dirs = runDir ? [runDir] : await spooledRunDirs(runsRoot);
      let pushed = 0;
      let remaining = 0;
      for (const dir of dirs) {
        const live = [...runs.values()].find((ctx) => ctx.info.runDir === dir && ctx.spool);
        const spool = live?.spool ?? new Spool(dir);
        if (!live) {
          const { header } = await readOutbox(spool.outboxPath);
          if (!header) continue;
          await spool.open(header.runId);
        }
        if (live?.pumping) await live.pumping;
        const outcome = await s.send(spool, { retryRejected: true });
        pushed += outcome.pushed;
        remaining += outcome.remaining;
        if (outcome.unauthorized) {
          throw wandbError(WandbErrorCodes.WANDB_AUTH_FAILED, `W&B at ${conn.baseUrl} rejected the API key from ${conn.keySource} (${outcome.unauthorized.message}); nothing more was synced.`, {
            hint: 'Check the key (wandb.ai/authorize) and run `aero sync wandb` again.',
            cause: outcome.unauthorized,
          });
        }
        if (outcome.fatal) throw outcome.fatal;
        if (outcome.unreachable) {
          // Count what is left in the other runs too, without contacting W&B again.
          for (const other of dirs.slice(dirs.indexOf(dir) + 1)) remaining += await pendingIn(other);
          break;
        }
      }
      return { pushed, remaining };
    },

    spoolDir(runId) {
      return runs.get(runId)?.spool?.dir;
    },

    lastOutcome(runId) {
      return runs.get(runId)?.last;
    },
  };
  return tracker;
}

function throwProblems(problems: AeroError[]): void {
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    const first = problems[0]!;
    throw wandbError(first.code as WandbErrorCode, `${problems.length} runs left W&B operations unsent; first: ${first.message}`, { hint: first.hint, details: { problems: problems.map((p) => p.message) } });
  }
}

/** Run folders under `runsRoot` that have a W&B spool. */
async function spooledRunDirs(runsRoot: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await runFolderNames(runsRoot)) {
    const dir = join(runsRoot, name);
    try {
      await stat(join(dir, SPOOL_DIR, OUTBOX));
      out.push(dir);
    } catch {
      // no spool in this run
    }
  }
  return out;
}

async function pendingIn(runDir: string): Promise<number> {
  const spool = new Spool(runDir);
  const { ops } = await readOutbox(spool.outboxPath);
  const state = await readState(join(spool.dir, STATE));
  const above = new Set(state.ackedAbove);
  return ops.filter((op) => op.seq > state.acked && !above.has(op.seq)).length;
}
