import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { version } from '../package.json';
import { join, resolve as resolvePath } from 'node:path';
import { AeroError, appendLogTail, failedJobResult, readJobResult, type JobEvent, type JobResult, type JobSpec, type LaunchContext, type Launcher, type Logger, type PluginBase } from '@aeroml/core';
import { ensureSpecFile, jobFiles, JobFollower, readExitCode } from './job-files.js';
import { PLUGIN, type ResolvedSlurmOptions } from './options.js';
import { clearTaskState, forgetArray, listArrays, ownerIsDead, readTaskState, recordArray, writeTaskState, type SubmittedTask } from './registry.js';
import { runCommand, type SlurmCallCounters, type SlurmCommand } from './run-command.js';
import { batchScript, envScript, jobName, resourceArgs, taskSettings } from './script.js';
import { lookupTask, parseSacct, parseScontrolShowJob, parseSqueueJson, TERMINAL_STATES, type QueueSnapshot, type TaskState } from './squeue.js';
import { SlurmErrorCodes } from './errors.js';

/** From package.json, inlined by the build. */
export const VERSION: string = version;

/** A Slurm launcher also tells how many Slurm calls it made (for benchmarks and reports). */
export interface SlurmLauncher extends Launcher {
  /** Calls made so far to each Slurm command. */
  readonly calls: Readonly<SlurmCallCounters>;
  resetCalls(): void;
}

interface Tracked {
  spec: JobSpec;
  task: SubmittedTask;
  ctx: LaunchContext;
  follower: JobFollower;
  resolve: (result: JobResult) => void;
  workDir: string;
  startedAt: string;
  state?: string | undefined;
  reason?: string | undefined;
  started: boolean;
  terminal?: (TaskState & { at: number }) | undefined;
  missing: number;
  cancelled: boolean;
}

interface Deferred {
  resolve: (result: JobResult) => void;
  reject: (error: unknown) => void;
}

/** One job handed to submit(), waiting for its batch window to close. */
interface Entry {
  spec: JobSpec;
  ctx: LaunchContext;
  d: Deferred;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A job's key among everything this launcher tracks. Job ids are unique within one run
 * only (an instance id such as `train`), and one launcher from aero.config.ts serves every
 * run of the process: `aero tune -j 4` has four trials, each a run with its own `train`.
 */
const trackKey = (spec: JobSpec) => `${spec.runId}\u0000${spec.jobId}`;

export function createSlurmLauncher(options: ResolvedSlurmOptions): Omit<SlurmLauncher, keyof PluginBase> {
  const calls: SlurmCallCounters = { sbatch: 0, squeue: 0, scancel: 0, scontrol: 0, sacct: 0 };
  const tracked = new Map<string, Tracked>();
  const cleanedWorkDirs = new Set<string>();
  let loop: Promise<void> | undefined;
  let closed = false;

  const run = (command: SlurmCommand, args: string[]) => runCommand(command, options.commands[command], args, calls);

  // ---- status ------------------------------------------------------------------------

  async function queueSnapshot(): Promise<QueueSnapshot> {
    const out = await run('squeue', ['--json', '--me']);
    if (out.code !== 0) throw new AeroError(SlurmErrorCodes.SLURM_STATUS_FAILED, `\`squeue --json\` failed (exit ${out.code}): ${out.stderr.trim() || out.stdout.trim().slice(0, 500)}`, { plugin: PLUGIN });
    try {
      return parseSqueueJson(out.stdout);
    } catch (cause) {
      throw new AeroError(SlurmErrorCodes.SLURM_STATUS_FAILED, `\`squeue --json\` printed something that is not JSON: ${out.stdout.slice(0, 200)}`, {
        plugin: PLUGIN,
        hint: 'aero needs Slurm >= 21.08 with the openapi JSON plugins (squeue --json).',
        cause,
      });
    }
  }

  /** States of jobs squeue no longer lists: sacct where accounting exists, else scontrol. */
  async function leftTheQueue(items: Tracked[]): Promise<Map<string, TaskState>> {
    const states = new Map<string, TaskState>();
    const arrays = [...new Set(items.map((t) => t.task.arrayJobId))];
    if (options.accounting) {
      const out = await run('sacct', ['-n', '-P', '-X', '-o', 'JobID,State,ExitCode,Reason', '-j', arrays.join(',')]);
      if (out.code === 0) for (const [k, v] of parseSacct(out.stdout)) states.set(k, v);
    }
    for (const id of arrays) {
      if (items.every((t) => t.task.arrayJobId !== id || states.has(t.task.slurmJobId))) continue;
      const out = await run('scontrol', ['show', 'job', '-o', id]);
      if (out.code === 0) for (const [k, v] of parseScontrolShowJob(out.stdout)) if (!states.has(k)) states.set(k, v);
    }
    return states;
  }

  function applyState(t: Tracked, st: TaskState, toCancel: Tracked[]): boolean {
    let changed = false;
    if (st.state !== t.state || st.reason !== t.reason) {
      t.state = st.state;
      t.reason = st.reason;
      changed = true;
      t.ctx.emit({ type: 'job:status', jobId: t.spec.jobId, state: st.state, ...(st.reason ? { reason: st.reason } : {}) });
    }
    if (!t.started && st.state !== 'PENDING' && st.state !== 'REQUEUED' && st.state !== 'CONFIGURING') {
      t.started = true;
      t.ctx.emit({ type: 'job:started', jobId: t.spec.jobId, ...(st.node ? { host: st.node } : {}) });
    }
    if (st.state === 'PENDING' && st.reason && options.failOnPendingReasons.includes(st.reason) && !t.terminal) {
      t.terminal = { ...st, state: 'UNSCHEDULABLE', at: Date.now() };
      toCancel.push(t);
    } else if (TERMINAL_STATES.has(st.state) && !t.terminal) {
      t.terminal = { ...st, at: Date.now() };
    }
    return changed;
  }

  async function pollFiles(): Promise<void> {
    await Promise.all(
      [...tracked.values()].map(async (t) => {
        await t.follower.poll();
        const result = await readJobResult(t.spec.jobDir, t.spec.jobId);
        if (result) await finish(t, result);
      }),
    );
  }

  async function statusRound(): Promise<boolean> {
    const snapshot = await queueSnapshot();
    let changed = false;
    const toCancel: Tracked[] = [];
    const missing: Tracked[] = [];
    for (const t of tracked.values()) {
      const st = lookupTask(snapshot, t.task.arrayJobId, t.task.taskId);
      if (st) {
        t.missing = 0;
        changed = applyState(t, st, toCancel) || changed;
      } else if (!t.terminal) missing.push(t);
    }
    if (missing.length) {
      const states = await leftTheQueue(missing);
      for (const t of missing) {
        const st = states.get(t.task.slurmJobId) ?? states.get(t.task.arrayJobId);
        if (st) changed = applyState(t, st, toCancel) || changed;
        else if (++t.missing >= 2) {
          // Neither squeue, scontrol nor sacct knows the job any more.
          t.terminal = { state: 'LOST', reason: 'the job left the queue and Slurm no longer knows it', exitCode: undefined, node: undefined, at: Date.now() };
          changed = true;
        }
      }
    }
    if (toCancel.length) await scancel(toCancel.map((t) => t.task.slurmJobId));
    return changed;
  }

  async function finishEnded(): Promise<void> {
    const now = Date.now();
    for (const t of [...tracked.values()]) {
      if (!t.terminal) continue;
      const immediate = t.terminal.state === 'UNSCHEDULABLE' || t.terminal.state === 'LOST' || t.cancelled;
      // Give a shared filesystem time to show result.json after Slurm says the job ended.
      if (!immediate && now - t.terminal.at < options.resultGraceMs) continue;
      await t.follower.poll(true);
      const result = await readJobResult(t.spec.jobDir, t.spec.jobId);
      await finish(t, result ?? (await failure(t)));
    }
  }

  function startLoop(): void {
    if (loop) return;
    loop = (async () => {
      let interval = options.pollIntervalMs;
      let nextQueueAt = 0;
      let failures = 0;
      while (tracked.size > 0 && !closed) {
        await pollFiles();
        if (Date.now() >= nextQueueAt && tracked.size > 0) {
          try {
            const changed = await statusRound();
            failures = 0;
            interval = changed ? options.pollIntervalMs : Math.min(options.maxPollIntervalMs, Math.round(interval * 1.5));
          } catch (error) {
            failures += 1;
            const first = [...tracked.values()][0];
            first?.ctx.logger.warn(`squeue failed (${failures}/${options.maxStatusFailures})`, { error: String(error) });
            if (failures >= options.maxStatusFailures) {
              for (const t of [...tracked.values()]) {
                await finish(
                  t,
                  failedJobResult(t.spec.jobId, t.startedAt, {
                    code: SlurmErrorCodes.SLURM_STATUS_FAILED,
                    message: `Lost track of Slurm job ${t.task.slurmJobId}: ${failures} status queries in a row failed. Last error: ${error instanceof Error ? error.message : String(error)}`,
                    hint: `The job may still be running; check it with \`squeue -j ${t.task.arrayJobId}\` and rerun to reattach.`,
                  }),
                );
              }
              break;
            }
            interval = Math.min(options.maxPollIntervalMs, interval * 2);
          }
          nextQueueAt = Date.now() + interval;
        }
        await finishEnded();
        if (tracked.size > 0) await sleep(options.fileIntervalMs);
      }
      loop = undefined;
      if (tracked.size > 0 && !closed) startLoop();
    })();
  }

  // ---- results -------------------------------------------------------------------------

  async function batchLogTail(t: Tracked): Promise<string[]> {
    try {
      const text = await readFile(join(t.task.batchDir, `slurm-${t.task.arrayJobId}_${t.task.taskId}.out`), 'utf8');
      return text.split('\n').filter((l) => l.trim() !== '').slice(-options.logTailLines);
    } catch {
      return [];
    }
  }

  async function failure(t: Tracked): Promise<JobResult> {
    const term = t.terminal!;
    const exit = (await readExitCode(t.spec.jobDir)) ?? term.exitCode;
    const id = t.task.slurmJobId;
    const what = `Slurm job ${id} (\`${t.spec.instanceId}\`)`;
    const reason = term.reason ? `, reason ${term.reason}` : '';
    let code: string;
    let message: string;
    switch (term.state) {
      case 'TIMEOUT':
        code = SlurmErrorCodes.SLURM_JOB_TIMEOUT;
        message = `${what} was stopped by Slurm at its time limit (TIMEOUT${reason}).`;
        break;
      case 'NODE_FAIL':
      case 'BOOT_FAIL':
        code = SlurmErrorCodes.SLURM_NODE_FAIL;
        message = `${what} ended because its node failed (${term.state}${reason}${term.node ? `, node ${term.node}` : ''}).`;
        break;
      case 'OUT_OF_MEMORY':
        code = SlurmErrorCodes.SLURM_OUT_OF_MEMORY;
        message = `${what} ran out of memory (OUT_OF_MEMORY${reason}).`;
        break;
      case 'PREEMPTED':
        code = SlurmErrorCodes.SLURM_JOB_PREEMPTED;
        message = `${what} was preempted (PREEMPTED${reason}).`;
        break;
      case 'CANCELLED':
        code = t.cancelled || t.ctx.signal.aborted ? 'INTERRUPTED' : SlurmErrorCodes.SLURM_JOB_CANCELLED;
        message = t.cancelled || t.ctx.signal.aborted ? `${what} was cancelled (scancel) because the run was interrupted.` : `${what} was cancelled outside aero (CANCELLED${reason}).`;
        break;
      case 'UNSCHEDULABLE':
        code = SlurmErrorCodes.SLURM_JOB_UNSCHEDULABLE;
        message = `${what} can never start: it is pending with reason ${term.reason}; aero cancelled it.`;
        break;
      case 'LOST':
        code = SlurmErrorCodes.SLURM_JOB_LOST;
        message = `${what} left the queue without writing result.json; Slurm no longer knows how it ended${exit !== undefined ? ` (the worker exited with code ${exit})` : ''}.`;
        break;
      default:
        code = SlurmErrorCodes.SLURM_JOB_FAILED;
        message = `${what} ended as ${term.state}${exit !== undefined ? ` with exit code ${exit}` : ''}${reason} without writing result.json.`;
    }
    if (t.cancelled && term.state !== 'CANCELLED') {
      code = 'INTERRUPTED';
      message = `${what} was cancelled (scancel) because the run was interrupted.`;
    }
    const tail = [...t.follower.tail, ...(await batchLogTail(t))].slice(-options.logTailLines);
    const hints: Record<string, string> = {
      SLURM_JOB_TIMEOUT: 'Raise the time limit: resources.timeMinutes on the action, or slurmLauncher({ time }).',
      SLURM_OUT_OF_MEMORY: 'Raise resources.memoryMb on the action, or slurmLauncher({ memoryMb }).',
      SLURM_NODE_FAIL: 'Rerun; set slurmLauncher({ requeue: true }) to let Slurm requeue after node failures.',
      SLURM_JOB_UNSCHEDULABLE: 'Fix the partition, account, QOS or time limit the action asks for (resources.slurm).',
    };
    return failedJobResult(t.spec.jobId, t.startedAt, {
      code,
      message: appendLogTail(message, tail, 'Last lines of the log:'),
      hint: `${hints[code] ? `${hints[code]} ` : ''}Logs: ${jobFiles(t.spec.jobDir).stdout}, ${jobFiles(t.spec.jobDir).stderr}; Slurm: scontrol show job ${id}.`,
    });
  }

  async function finish(t: Tracked, result: JobResult): Promise<void> {
    if (tracked.get(trackKey(t.spec)) !== t) return;
    tracked.delete(trackKey(t.spec));
    // A job that ran between two polls still gets its job:started before the result.
    if (!t.started) {
      t.started = true;
      t.ctx.emit({ type: 'job:started', jobId: t.spec.jobId });
    }
    await t.follower.poll(true).catch(() => undefined);
    if ([...tracked.values()].every((o) => o.task.arrayJobId !== t.task.arrayJobId)) await forgetArray(t.workDir, t.task.arrayJobId).catch(() => undefined);
    t.resolve(result);
  }

  // ---- cancel --------------------------------------------------------------------------

  async function scancel(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const out = await run('scancel', ids);
    if (out.code !== 0 && !/Invalid job id|already completing or completed/i.test(out.stderr)) {
      throw new AeroError(SlurmErrorCodes.SLURM_SCANCEL_FAILED, `\`scancel ${ids.join(' ')}\` failed (exit ${out.code}): ${out.stderr.trim()}`, {
        plugin: PLUGIN,
        hint: `Cancel the jobs by hand: scancel ${ids.join(' ')}`,
      });
    }
  }

  async function cancelTracked(items: Tracked[]): Promise<void> {
    const live = items.filter((t) => tracked.get(trackKey(t.spec)) === t);
    if (live.length === 0) return;
    for (const t of live) t.cancelled = true;
    await scancel(live.map((t) => t.task.slurmJobId));
    for (const t of live) {
      t.terminal ??= { state: 'CANCELLED', reason: undefined, exitCode: undefined, node: undefined, at: Date.now() };
      const result = await readJobResult(t.spec.jobDir, t.spec.jobId);
      await finish(t, result ?? (await failure(t)));
    }
  }

  // ---- submit --------------------------------------------------------------------------

  async function cleanupOrphans(workDir: string, runIds: Set<string>, logger: Logger): Promise<void> {
    if (cleanedWorkDirs.has(workDir)) return;
    cleanedWorkDirs.add(workDir);
    const orphans = (await listArrays(workDir)).filter((a) => ownerIsDead(a) && !runIds.has(a.runId));
    if (orphans.length === 0) return;
    logger.warn(`Cancelling ${orphans.length} Slurm array(s) left by an earlier aero run that stopped without cleaning up: ${orphans.map((o) => o.arrayJobId).join(', ')}`);
    await scancel(orphans.map((o) => o.arrayJobId));
    for (const o of orphans) await forgetArray(workDir, o.arrayJobId);
  }

  function track(spec: JobSpec, task: SubmittedTask, ctx: LaunchContext, d: Deferred, workDir: string): Tracked {
    const t: Tracked = {
      spec,
      task,
      ctx,
      workDir,
      follower: new JobFollower(spec.jobId, spec.jobDir, (e: JobEvent) => ctx.emit(e), options.logTailLines),
      resolve: d.resolve,
      startedAt: new Date().toISOString(),
      started: false,
      missing: 0,
      cancelled: false,
    };
    tracked.set(trackKey(spec), t);
    return t;
  }

  /** Jobs already submitted by an earlier (crashed) aero process: finished, still queued, or gone. */
  async function reattach(entries: Entry[], workDir: string): Promise<Entry[]> {
    const candidates: Array<{ entry: Entry; task: SubmittedTask }> = [];
    for (const entry of entries) {
      const task = await readTaskState(entry.spec.jobDir);
      if (task && task.jobId === entry.spec.jobId) candidates.push({ entry, task });
    }
    if (candidates.length === 0) return entries;
    const handled = new Set<Entry>();
    let snapshot: QueueSnapshot | undefined;
    for (const { entry, task } of candidates) {
      const { spec, ctx, d } = entry;
      const result = await readJobResult(spec.jobDir, spec.jobId);
      if (result) {
        handled.add(entry);
        d.resolve(result);
        continue;
      }
      snapshot ??= await queueSnapshot();
      const st = lookupTask(snapshot, task.arrayJobId, task.taskId);
      if (st && !TERMINAL_STATES.has(st.state)) {
        handled.add(entry);
        ctx.emit({ type: 'job:submitted', jobId: spec.jobId, externalId: task.slurmJobId });
        ctx.logger.info(`Reattached to Slurm job ${task.slurmJobId} (${st.state}) submitted by an earlier run`, { jobId: spec.jobId });
        await recordArray(workDir, { arrayJobId: task.arrayJobId, runId: spec.runId, action: spec.action, submittedAt: task.submittedAt, jobIds: [spec.jobId] }).catch(() => undefined);
        track(spec, task, ctx, d, workDir);
      } else await clearTaskState(spec.jobDir);
    }
    return entries.filter((e) => !handled.has(e));
  }

  async function submitArray(entries: Entry[], workDir: string, args: string[], execCommand: string[]): Promise<void> {
    const first = entries[0]!.spec;
    const specs = entries.map((e) => e.spec);
    const stamp = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const batchDir = join(workDir, 'batches', `${first.action.replace(/[^A-Za-z0-9_.-]/g, '_')}-${stamp}`);
    await mkdir(batchDir, { recursive: true });
    const listFile = join(batchDir, 'tasks.txt');
    await Promise.all(
      specs.map(async (spec) => {
        await mkdir(spec.jobDir, { recursive: true });
        await ensureSpecFile(spec);
        await writeFile(jobFiles(spec.jobDir).env, envScript({ ...options.env, ...spec.env }));
      }),
    );
    await writeFile(listFile, specs.map((s) => resolvePath(jobFiles(s.jobDir).spec)).join('\n') + '\n');
    const script = join(batchDir, 'job.sh');
    await writeFile(script, batchScript(listFile, execCommand, options.setup), { mode: 0o755 });
    const argv = [
      '--parsable',
      `--array=0-${specs.length - 1}%${options.arrayLimit}`,
      `--job-name=${jobName(options.jobNamePrefix, first.action)}`,
      `--output=${join(batchDir, 'slurm-%A_%a.out')}`,
      `--chdir=${first.cwd}`,
      ...args,
      script,
    ];
    const out = await run('sbatch', argv);
    const arrayJobId = out.stdout.trim().split(';')[0]?.trim() ?? '';
    if (out.code !== 0 || !/^\d+$/.test(arrayJobId)) {
      throw new AeroError(SlurmErrorCodes.SLURM_SBATCH_REJECTED, `sbatch rejected the job array for action \`${first.action}\` (${specs.length} task(s), exit ${out.code}): ${out.stderr.trim() || out.stdout.trim() || 'no output'}`, {
        plugin: PLUGIN,
        hint: `Check the partition/account/qos/time the action asks for (sbatch ${argv.slice(1, -1).join(' ')}); \`sinfo\` lists partitions.`,
        details: { argv, stderr: out.stderr },
      });
    }
    const submittedAt = new Date().toISOString();
    await recordArray(workDir, { arrayJobId, runId: first.runId, action: first.action, submittedAt, jobIds: specs.map((s) => s.jobId) });
    const added: Tracked[] = [];
    for (const [taskId, { spec, ctx, d }] of entries.entries()) {
      const task: SubmittedTask = { jobId: spec.jobId, runId: spec.runId, arrayJobId, taskId, slurmJobId: `${arrayJobId}_${taskId}`, batchDir, submittedAt };
      await writeTaskState(spec.jobDir, task);
      ctx.emit({ type: 'job:submitted', jobId: spec.jobId, externalId: task.slurmJobId });
      added.push(track(spec, task, ctx, d, workDir));
    }
    entries[0]!.ctx.logger.debug(`sbatch: array ${arrayJobId} with ${specs.length} task(s) for ${first.action}`);
    const aborted = added.filter((t) => t.ctx.signal.aborted);
    if (aborted.length) await cancelTracked(aborted);
  }

  /** Submits everything queued during one batch window: one array per action and settings. */
  async function launch(all: Entry[]): Promise<void> {
    // Settings first: an invalid resources.slurm fails that job before anything is submitted.
    const ready: Array<{ entry: Entry; args: string[]; exec: string[] }> = [];
    for (const entry of all) {
      try {
        const exec = options.execCommand ?? entry.ctx.execCommand;
        if (!exec?.length) {
          throw new AeroError(SlurmErrorCodes.SLURM_NO_EXEC_COMMAND, 'No worker command: the engine passed no execCommand and slurmLauncher({ execCommand }) is not set.', {
            plugin: PLUGIN,
            hint: "Set slurmLauncher({ execCommand: ['aero', 'exec'] }) to the command that runs `aero exec` on the compute nodes.",
          });
        }
        ready.push({ entry, args: resourceArgs(taskSettings(entry.spec, options), options.requeue), exec });
      } catch (error) {
        entry.d.reject(error);
      }
    }
    if (ready.length === 0) return;
    const workDir = resolvePath(options.workDir ?? join(ready[0]!.entry.spec.cwd, '.aero', 'slurm'));
    await mkdir(workDir, { recursive: true });
    await cleanupOrphans(workDir, new Set(ready.map((r) => r.entry.spec.runId)), ready[0]!.entry.ctx.logger);
    const pending = new Set(await reattach(ready.map((r) => r.entry), workDir));
    const groups = new Map<string, typeof ready>();
    for (const r of ready) {
      if (!pending.has(r.entry)) continue;
      const key = JSON.stringify([r.entry.spec.action, r.entry.spec.cwd, r.args, r.exec]);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    await Promise.all(
      [...groups.values()].map(async (group) => {
        for (let k = 0; k < group.length; k += options.maxArraySize) {
          const chunk = group.slice(k, k + options.maxArraySize);
          try {
            await submitArray(
              chunk.map((r) => r.entry),
              workDir,
              chunk[0]!.args,
              chunk[0]!.exec,
            );
          } catch (error) {
            for (const r of chunk) r.entry.d.reject(error);
          }
        }
      }),
    );
    if (tracked.size > 0) startLoop();
  }

  // Jobs handed over within one batch window go out together, so an engine that hands a
  // partitioned action over in several small batches still gets one array.
  let queue: Entry[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  function flush(): void {
    flushTimer = undefined;
    const entries = queue;
    queue = [];
    if (entries.length === 0) return;
    launch(entries).catch((error) => {
      for (const e of entries) e.d.reject(error);
    });
  }

  // Identity (kind, name, version, packageName) comes from defineLauncher in index.ts.
  return {
    managesGpus: true,
    get calls() {
      return { ...calls };
    },
    resetCalls() {
      for (const k of Object.keys(calls) as SlurmCommand[]) calls[k] = 0;
    },
    ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
    submit(jobs, ctx) {
      closed = false;
      const entries = jobs.map((spec) => {
        let d!: Deferred;
        const promise = new Promise<JobResult>((resolve, reject) => (d = { resolve, reject }));
        return { entry: { spec, ctx, d } satisfies Entry, promise };
      });
      const onAbort = () => {
        // Not submitted yet: drop them; submitted: scancel.
        const waiting = queue.filter((e) => e.ctx === ctx);
        queue = queue.filter((e) => e.ctx !== ctx);
        const now = new Date().toISOString();
        for (const e of waiting) {
          e.d.resolve({ jobId: e.spec.jobId, ok: false, outputs: {}, startedAt: now, finishedAt: now, error: { code: 'INTERRUPTED', message: `\`${e.spec.instanceId}\` was not submitted to Slurm: the run was interrupted.` } });
        }
        const mine = [...tracked.values()].filter((t) => t.ctx === ctx);
        void cancelTracked(mine).catch((error) => ctx.logger.error(`scancel failed: ${String(error)}`));
      };
      if (ctx.signal.aborted) onAbort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      void Promise.allSettled(entries.map((e) => e.promise)).then(() => ctx.signal.removeEventListener('abort', onAbort));
      if (!ctx.signal.aborted) {
        queue.push(...entries.map((e) => e.entry));
        if (queue.length && !flushTimer) flushTimer = setTimeout(flush, options.batchWindowMs);
      }
      return entries.map((e) => e.promise);
    },
    async cancel(jobIds) {
      const ids = new Set(jobIds);
      const matching = [...tracked.values()].filter((t) => ids.has(t.spec.jobId));
      // Runs sharing this launcher can each have a job of that id. The engine cancels the
      // jobs of a run whose signal aborted (Ctrl-C, a pruned trial): when some of the
      // matching jobs are of such a run, those are meant, not the other runs' jobs.
      const ofAborted = matching.filter((t) => t.ctx.signal.aborted);
      await cancelTracked(ofAborted.length ? ofAborted : matching);
    },
    async close() {
      closed = true;
      await loop;
    },
  };
}
