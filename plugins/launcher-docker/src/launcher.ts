import { spawn, type ChildProcess } from 'node:child_process';
import { version } from '../package.json';
import { mkdir, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { AeroError, appendLogTail, failedJobResult, JobEventTail, readJobResult, writeFileAtomic, type JobResult, type JobSpec, type LaunchContext, type LauncherMembers } from '@aeroml/core';
import { imageChecker } from './image.js';
import { PLUGIN, type ResolvedDockerOptions } from './options.js';
import { planContainer, type ContainerPlan } from './plan.js';
import { daemonUnreachable, runRuntime, runtimeMissing } from './run-command.js';
import { DockerErrorCodes } from './errors.js';

/** From package.json, inlined by the build. */
export const VERSION: string = version;

interface Running {
  plan: ContainerPlan;
  child: ChildProcess;
  /** Whether the run this job belongs to was aborted (to pick it among same-named jobs). */
  aborted: () => boolean;
  jobId: string;
  stopping?: 'cancel' | 'timeout';
}

/**
 * A job's key among everything this launcher runs. Job ids are unique within one run only
 * (an instance id such as `train`), and one launcher from aero.config.ts serves every run of
 * the process: `aero tune -j 4` has four trials, each a run with its own `train`.
 */
const runningKey = (spec: JobSpec) => `${spec.runId}\u0000${spec.jobId}`;

/** Exit codes the docker/podman CLIs use for their own failures (not the job's). */
const RUNTIME_EXIT: Record<number, string> = {
  125: 'the container runtime could not start the container',
  126: 'the worker command inside the container cannot be executed',
  127: 'the worker command was not found inside the container',
};

const LOG_TAIL_HEADING = 'Last lines of its output:';

export function createDockerLauncher(options: ResolvedDockerOptions): LauncherMembers {
  const ensureImage = imageChecker(options);
  const running = new Map<string, Running>();

  async function stop(key: string, why: 'cancel' | 'timeout'): Promise<void> {
    const r = running.get(key);
    if (!r || r.stopping) return;
    r.stopping = why;
    const out = await runRuntime(options.runtime, [...options.runtimeArgs, 'stop', '--time', String(options.stopTimeoutSeconds), r.plan.name]).catch(() => undefined);
    // A container that never got created: stop the CLI process itself.
    if (!out || out.code !== 0) r.child.kill('SIGTERM');
  }

  async function runOne(spec: JobSpec, ctx: LaunchContext): Promise<JobResult> {
    const plan = planContainer(spec, options, ctx.execCommand);
    await ensureImage(plan.image);
    await mkdir(spec.jobDir, { recursive: true });
    if (plan.hostSpecPath.endsWith('job.container.json')) await writeFileAtomic(plan.hostSpecPath, JSON.stringify(plan.containerSpec, null, 2));
    else {
      await readFile(plan.hostSpecPath).catch(async () => writeFileAtomic(plan.hostSpecPath, JSON.stringify(spec, null, 2)));
    }
    if (ctx.signal.aborted) return interrupted(spec, new Date().toISOString(), []);
    const startedAt = new Date().toISOString();
    const child = spawn(options.runtime, plan.argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const key = runningKey(spec);
    const r: Running = { plan, child, jobId: spec.jobId, aborted: () => ctx.signal.aborted };
    running.set(key, r);
    ctx.emit({ type: 'job:submitted', jobId: spec.jobId, externalId: plan.name });
    ctx.emit({ type: 'job:started', jobId: spec.jobId });
    const tail: string[] = [];
    const keep = (line: string) => {
      tail.push(line);
      if (tail.length > options.logTailLines) tail.shift();
    };
    const lines = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') =>
      new Promise<void>((done) =>
        createInterface({ input: stream })
          .on('line', (line) => {
            keep(line);
            ctx.emit({ type: 'job:log', jobId: spec.jobId, stream: name, line });
          })
          .on('close', done),
      );
    const output = Promise.all([lines(child.stdout!, 'stdout'), lines(child.stderr!, 'stderr')]);
    const events = new JobEventTail(spec.jobDir, spec.jobId);
    const forward = async (final = false) => {
      for (const event of await events.read(final)) ctx.emit(event);
    };
    const timer = setInterval(() => void forward(), options.fileIntervalMs);
    const onAbort = () => void stop(key, 'cancel');
    // Cancelled before this submit: a listener added now would never fire.
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    const timeout = spec.timeoutMs ? setTimeout(() => void stop(key, 'timeout'), spec.timeoutMs) : undefined;
    try {
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' || error.code === 'EACCES' ? runtimeMissing(options.runtime, error) : error));
        child.on('close', (c, s) => resolve([c, s]));
      });
      await output;
      clearInterval(timer);
      await forward(true);
      const result = await readJobResult(spec.jobDir, spec.jobId);
      if (result && (code === 0 || !result.ok)) return result;
      if (r.stopping === 'cancel' || ctx.signal.aborted) return interrupted(spec, startedAt, tail);
      if (code === 125 && daemonUnreachable(tail.join('\n'))) {
        throw new AeroError(DockerErrorCodes.DOCKER_DAEMON_UNREACHABLE, `The container runtime \`${options.runtime}\` cannot reach its daemon: ${tail.join(' ').trim()}`, {
          plugin: PLUGIN,
          hint: "Start the Docker daemon, or use a daemon-less runtime: dockerLauncher({ runtime: 'podman' }).",
        });
      }
      const how = r.stopping === 'timeout' ? `was stopped after its timeout of ${spec.timeoutMs} ms` : signal ? `was killed by ${signal}` : `exited with code ${code}${code !== null && RUNTIME_EXIT[code] ? ` (${RUNTIME_EXIT[code]})` : ''}`;
      return failedJobResult(spec.jobId, startedAt, {
        code: r.stopping === 'timeout' ? DockerErrorCodes.DOCKER_JOB_TIMEOUT : DockerErrorCodes.DOCKER_JOB_FAILED,
        message: appendLogTail(`The container for \`${spec.instanceId}\` (image ${plan.image}) ${how} without writing result.json.`, tail, LOG_TAIL_HEADING),
        hint: r.stopping === 'timeout' ? 'Raise the action’s timeout.' : `Rerun with the same image by hand: ${options.runtime} ${plan.argv.join(' ')}`,
      });
    } finally {
      clearInterval(timer);
      if (timeout) clearTimeout(timeout);
      ctx.signal.removeEventListener('abort', onAbort);
      running.delete(key);
    }
  }

  function interrupted(spec: JobSpec, startedAt: string, tail: string[]): JobResult {
    return failedJobResult(spec.jobId, startedAt, {
      code: 'INTERRUPTED',
      message: appendLogTail(`The container for \`${spec.instanceId}\` was stopped because the run was interrupted.`, tail, LOG_TAIL_HEADING),
    });
  }

  // Identity (kind, name, version, packageName) comes from defineLauncher in index.ts.
  // Containers run on this machine: the engine hands out its GPUs (spec.gpus), so two
  // jobs never get the same device (no managesGpus).
  return {
    ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
    submit(jobs, ctx) {
      return jobs.map((spec) => runOne(spec, ctx));
    },
    async cancel(jobIds) {
      const ids = new Set(jobIds);
      const matching = [...running].filter(([, r]) => ids.has(r.jobId));
      // Runs sharing this launcher can each have a job of that id; the engine cancels the
      // jobs of a run whose signal aborted, so those are meant when there are any.
      const ofAborted = matching.filter(([, r]) => r.aborted());
      await Promise.all((ofAborted.length ? ofAborted : matching).map(([key]) => stop(key, 'cancel')));
    },
  };
}
