import { mkdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { AssetHandler } from './contracts/handler.js';
import type { JobEvent, JobResult, JobSpec } from './contracts/launcher.js';
import type { Action, ActionLog, InputHandle, OutputHandle, RunContext } from './define.js';
import { AeroError, ErrorCodes, isAeroError } from './errors.js';
import type { ArtifactStore, FileTree } from './artifacts.js';
import type { ArtifactManifest } from './contracts/artifact.js';
import type { ScratchPool } from './scratch.js';
import { toJobError } from './failure.js';

export { toJobError } from './failure.js';

export interface ExecuteRuntime {
  action: Action;
  artifacts: ArtifactStore;
  handlers: Map<string, AssetHandler<any, any, any>>;
  emit(event: JobEvent): void;
  signal: AbortSignal;
  /** In-process jobs reuse work dirs from this pool (see scratch.ts); others make their own. */
  scratch?: ScratchPool;
  /**
   * Output manifests stay in memory for the run to journal with the cache entry
   * (ArtifactStore.commitDirectory `defer`); a worker in another process writes them as files.
   */
  deferManifests?: boolean;
}

/**
 * Runs one action instance described by a JobSpec: materialises inputs from the store,
 * calls the action, commits every output to the store. The same function runs in-process
 * (inline launcher) and inside `aero exec` (process, container, Slurm), which is why
 * digests are identical whatever the launcher.
 */
export async function executeJob(spec: JobSpec, runtime: ExecuteRuntime): Promise<JobResult> {
  const startedAt = new Date().toISOString();
  const { action, artifacts, handlers, emit, scratch } = runtime;
  const workDir = scratch ? scratch.acquire() : join(spec.jobDir, 'work');
  const ensureDir = (dir: string) => (scratch ? scratch.ensureDir(dir) : mkdir(dir, { recursive: true }).then(() => undefined));
  const outputMeta = new Map<string, Record<string, unknown>>();
  const outputs: Record<string, string> = {};
  /** Each committed output's folder, what was in it and what the store moved away, so the scratch pool need not read it again. */
  const committed: Array<{ dir: string; tree: FileTree; moved: ReadonlySet<string>; manifest: ArtifactManifest }> = [];
  let workDirTouched = false;
  const metrics = new MetricBuffer(spec.jobId, emit);
  // The work dir exists only if something needs it: a no-op action costs no syscalls.
  let workDirUsed = Object.keys(spec.inputs).length > 0 || Object.keys(spec.outputs).length > 0;
  try {
    const inputs: Record<string, InputHandle | InputHandle[]> = {};
    let inputIndex = 0;
    for (const [name, input] of Object.entries(spec.inputs)) {
      const handles: InputHandle[] = [];
      for (const art of input.artifacts) {
        // In this process the manifest is in memory; a worker elsewhere adopts the spec's copy.
        const manifest = artifacts.known(art.digest) ?? (art.manifest && artifacts.adopt(art.digest, art.manifest) ? art.manifest : await artifacts.getManifest(art.name, art.digest));
        const dest = join(workDir, 'in', String(inputIndex++));
        const paths = await artifacts.materialize(manifest, dest, ensureDir);
        const handler = handlers.get(manifest.handler);
        handles.push({
          path: paths[0] ?? dest,
          paths,
          files: manifest.files,
          digest: art.digest,
          name: manifest.name,
          partition: manifest.partition,
          read: async <T>() => {
            if (!handler) throw new AeroError(ErrorCodes.PLAN_UNKNOWN_HANDLER, `Input \`${name}\` needs handler \`${manifest.handler}\`, which is not installed.`);
            if (!paths[0]) throw new AeroError(ErrorCodes.ACTION_INPUT_MISSING, `Input \`${name}\` (${manifest.name}) has no files.`);
            return (await guardHandler(handler, 'read', { action: spec.instanceId, what: `input \`${name}\``, path: paths[0], cwd: spec.cwd }, () => handler.read(paths[0]!))) as T;
          },
        });
      }
      inputs[name] = input.gather ? handles : handles[0]!;
    }

    const outputHandles: Record<string, OutputHandle> = {};
    for (const [name, out] of Object.entries(spec.outputs)) {
      const dir = join(workDir, 'out', name);
      const path = join(dir, ...out.path.split('/'));
      await ensureDir(dirname(path));
      const handler = handlers.get(out.handler)!;
      let written = false;
      outputHandles[name] = {
        path,
        dir,
        write: async (value: unknown) => {
          // A second write would replace the first without a word: a loop meant to append, or
          // two branches that both write, must not pass as a result.
          if (written) {
            throw new AeroError(ErrorCodes.ACTION_OUTPUT_WRITTEN_TWICE, `Action \`${spec.instanceId}\` wrote output \`${name}\` twice; the second write would replace the first.`, {
              hint: `Write \`outputs.${name}\` once, with its whole value; several files go under \`outputs.${name}.dir\`.`,
            });
          }
          written = true;
          // A write that failed is no result to replace: the action may catch it and write again.
          await guardHandler(handler, 'write', { action: spec.instanceId, what: `output \`${name}\``, path, cwd: spec.cwd }, () => handler.write(path, value)).catch((error: unknown) => {
            written = false;
            throw error;
          });
          if (handler.describe) outputMeta.set(name, { ...outputMeta.get(name), ...handler.describe(value) });
        },
        meta: (metadata) => outputMeta.set(name, { ...outputMeta.get(name), ...metadata }),
      };
    }

    const log: ActionLog = {
      info: (line) => emit({ type: 'job:log', jobId: spec.jobId, stream: 'stdout', line }),
      warn: (line) => emit({ type: 'job:log', jobId: spec.jobId, stream: 'stderr', line }),
      metric: (name, value, step) => metrics.add(name, value, step),
      metrics: (values, step) => {
        for (const [name, value] of Object.entries(values)) metrics.add(name, value, step);
      },
    };
    const ctx: RunContext<unknown, any, any> = {
      params: spec.params,
      inputs,
      outputs: outputHandles,
      partition: spec.partition,
      log,
      signal: runtime.signal,
      get workDir() {
        if (!workDirUsed) mkdirSync(workDir, { recursive: true });
        workDirUsed = true;
        workDirTouched = true;
        return workDir;
      },
      cwd: spec.cwd,
      runId: spec.runId,
      instanceId: spec.instanceId,
      gpus: spec.gpus ?? [],
      env: spec.env,
    };
    await action.run(ctx);
    metrics.flush();
    if (runtime.signal.aborted) throw interrupted();

    for (const [name, out] of Object.entries(spec.outputs)) {
      const dir = join(workDir, 'out', name);
      const handler = handlers.get(out.handler)!;
      const { digest, manifest, tree, moved } = await artifacts.commitDirectory(dir, {
        name: `${action.name}.${name}`,
        handler: out.handler,
        handlerVersion: handler.version,
        partition: spec.partition,
        metadata: outputMeta.get(name),
      }, { handOver: true, defer: runtime.deferManifests === true });
      committed.push({ dir, tree, moved, manifest });
      if (tree.others.length > 0) {
        // A symlink (or socket, fifo) would be left out of the artifact without a word: the
        // cached result would lack it, or seem never written when it was the only entry.
        throw new AeroError(ErrorCodes.ACTION_OUTPUT_NOT_FILE, `Action \`${spec.instanceId}\` wrote ${tree.others.map((p) => `\`${p}\``).slice(0, 3).join(', ')}${tree.others.length > 3 ? ` and ${tree.others.length - 3} more` : ''} in output \`${name}\`, which ${tree.others.length === 1 ? 'is not a regular file (a symbolic link?)' : 'are not regular files (symbolic links?)'}: an artifact holds regular files only.`, {
          hint: `Copy the file itself into \`outputs.${name}.path\` (or under \`outputs.${name}.dir\`), e.g. with fs.copyFile, instead of linking to it.`,
        });
      }
      if (manifest.files.length === 0) {
        throw new AeroError(ErrorCodes.ACTION_OUTPUT_MISSING, `Action \`${spec.instanceId}\` finished without writing output \`${name}\`.`, {
          hint: `Call \`outputs.${name}.write(value)\` or write a file to \`outputs.${name}.path\` in run().`,
        });
      }
      outputs[name] = digest;
    }
    if (scratch) scratch.releaseKnown(workDir, { outputs: committed, inputs: Object.keys(spec.inputs).length > 0, workDirUsed: workDirTouched });
    else if (workDirUsed) await rm(workDir, { recursive: true, force: true });
    return { jobId: spec.jobId, ok: true, outputs, startedAt, finishedAt: new Date().toISOString() };
  } catch (error) {
    metrics.flush();
    const aborted = runtime.signal.aborted;
    if (aborted) {
      // Interrupted (Ctrl-C, an aborted signal): nothing to inspect, and its files (a
      // half-written output can be gigabytes) must not outlive the run. In the scratch pool
      // its dir is left out of reuse (an action that ignores the signal may still write
      // there) and goes with the pool when the run ends; a job dir of its own is removed.
      if (!scratch && workDirUsed) await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    } else {
      // A failed job's files stay where they always were, for inspection: those of outputs
      // committed before the failure that the store moved away are linked back first.
      for (const c of committed) for (const rel of c.moved) artifacts.linkBack(c.manifest, rel, join(c.dir, rel));
      if (scratch && workDirUsed) await scratch.retire(workDir, join(spec.jobDir, 'work')).catch(() => undefined);
      else if (scratch) scratch.release(workDir);
    }
    const err = aborted ? interrupted() : error;
    return {
      jobId: spec.jobId,
      ok: false,
      outputs,
      error: toJobError(err, spec),
      startedAt,
      finishedAt: new Date().toISOString(),
    };
  }
}

/**
 * Runs a handler's read or write; anything it throws that is not an AeroError (a parser's
 * SyntaxError, a TypeError on a value it cannot encode, EACCES) becomes HANDLER_FAILED,
 * naming the handler, the action, the input or output and the file.
 */
async function guardHandler<T>(handler: AssetHandler<any, any, any>, op: 'read' | 'write', where: { action: string; what: string; path: string; cwd: string }, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (isAeroError(cause)) throw cause;
    const rel = relative(where.cwd, where.path);
    const file = rel.startsWith('..') || isAbsolute(rel) ? where.path : rel;
    throw new AeroError(
      ErrorCodes.HANDLER_FAILED,
      `Handler \`${handler.name}\` could not ${op} ${where.what} of \`${where.action}\` (${file}): ${(cause as Error)?.message ?? String(cause)}`,
      {
        hint: op === 'write' ? `Check that the value given to \`write()\` is one the \`${handler.name}\` handler can encode (see its README).` : `The file does not hold what the \`${handler.name}\` handler reads; rerun its producer with --force.`,
        cause,
        details: { handler: handler.name, action: where.action, target: where.what, path: where.path },
      },
    );
  }
}

function interrupted(): AeroError {
  return new AeroError(ErrorCodes.INTERRUPTED, 'Interrupted before it finished.');
}

/** Batches metric points so a tight training loop emits one event per tick, not per point. */
class MetricBuffer {
  private points: Array<{ name: string; value: number; step: number; timestamp: number }> = [];
  private steps = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly jobId: string, private readonly emit: (event: JobEvent) => void) {}

  add(name: string, value: number, step?: number): void {
    const resolved = step ?? this.steps.get(name) ?? 0;
    this.steps.set(name, resolved + 1);
    this.points.push({ name, value, step: resolved, timestamp: Date.now() });
    if (this.points.length >= 1000) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 200);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.points.length === 0) return;
    const points = this.points;
    this.points = [];
    this.emit({ type: 'job:metrics', jobId: this.jobId, points });
  }
}
