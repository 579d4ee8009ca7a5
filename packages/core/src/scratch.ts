import { mkdirSync, readdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileTree } from './artifacts.js';
import type { Store } from './contracts/store.js';
import { StoreKeys } from './keys.js';
import { runFolderNames } from './run-folders.js';
import { isStale, type RunRecord } from './runs.js';

/** A run's pool lives in `runs/<run-id>/<SCRATCH_DIR>` under the project's state directory. */
export const SCRATCH_DIR = '.scratch';

/**
 * Work directories for in-process (inline) jobs, reused from one job to the next.
 *
 * Every job needs a work dir with `in/<n>` and `out/<name>` folders. Creating and removing
 * four directories per job was the largest cost of a trivial action (mkdir is ~0.2 ms on
 * ext4 here, more than everything else a no-op action does). A finished job's dir is
 * emptied instead — its files unlinked, the `in/<n>` and `out/<name>` folders kept — and
 * handed to the next job, so a run creates a handful of directories, not thousands.
 *
 * A failed job's dir is not reused: it is moved to the job's own folder
 * (`runs/<id>/<instance>/work`) for inspection, where it always was.
 */
export class ScratchPool {
  private readonly free: string[] = [];
  /** Directories known to exist (skips mkdir on reuse). */
  private readonly made = new Set<string>();
  private next = 0;

  constructor(readonly base: string) {}

  acquire(): string {
    const reused = this.free.pop();
    if (reused) return reused;
    const dir = join(this.base, String(this.next++));
    mkdirSync(dir, { recursive: true });
    this.made.add(dir);
    return dir;
  }

  /** mkdir -p, skipped for directories this pool already made. */
  async ensureDir(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.made.add(dir);
  }

  /** Empties a finished job's dir and makes it available again. */
  release(dir: string): void {
    emptyKeepingSkeleton(dir, 0, (removed) => this.made.delete(removed));
    this.free.push(dir);
  }

  /**
   * `release` for a job whose leftovers are known, without reading the skeleton again: the
   * listing of each `out/<name>` folder taken when its output was committed (after the action
   * returned, so it is complete), and whether the job had inputs or used `ctx.workDir`. Those
   * are the only places an action is given; `in/` and a used work dir are emptied by reading
   * them as `release` does. Saves four directory reads per job (20 syscalls) on a fan of
   * trivial actions. Files the store took by rename (`moved`) are not there to unlink.
   */
  releaseKnown(dir: string, known: { outputs: ReadonlyArray<{ dir: string; tree: FileTree; moved?: ReadonlySet<string> }>; inputs: boolean; workDirUsed: boolean }): void {
    if (known.workDirUsed) return this.release(dir);
    for (const { dir: outDir, tree, moved } of known.outputs) {
      for (const rel of tree.files) if (!moved?.has(rel)) unlinkIfPresent(join(outDir, rel));
      for (const rel of tree.others) unlinkIfPresent(join(outDir, rel));
      for (let i = tree.dirs.length - 1; i >= 0; i--) {
        const sub = join(outDir, tree.dirs[i]!);
        rmdirSync(sub);
        this.made.delete(sub);
      }
    }
    if (known.inputs) emptyKeepingSkeleton(join(dir, 'in'), 1, (removed) => this.made.delete(removed));
    this.free.push(dir);
  }

  /** Moves a failed job's dir to `target` (kept for inspection) and forgets it. */
  async retire(dir: string, target: string): Promise<void> {
    for (const d of [...this.made]) if (d === dir || d.startsWith(`${dir}/`)) this.made.delete(d);
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { recursive: true, force: true });
    await rename(dir, target);
  }

  /** Removes every work dir (end of the run). */
  async dispose(): Promise<void> {
    this.free.length = 0;
    this.made.clear();
    await rm(this.base, { recursive: true, force: true });
  }
}

/** Unlinks a file the job left; one the store took over by rename is gone already. */
function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Unlinks every file below `dir`; keeps directories up to two levels deep (`out/<name>`,
 * `in/<n>`), removes deeper ones. Synchronous: a few small calls per job.
 */
function emptyKeepingSkeleton(dir: string, depth: number, onRemoved: (dir: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (!entry.isDirectory()) {
      unlinkSync(path);
      continue;
    }
    emptyKeepingSkeleton(path, depth + 1, onRemoved);
    if (depth >= 2) {
      rmdirSync(path);
      onRemoved(path);
    }
  }
}

/**
 * Removes the scratch folders of runs that are over. A run ends by disposing its pool, but a
 * run killed with -9 never does, and its `runs/<id>/.scratch` (work dirs of the jobs that
 * were running, inputs and outputs included) would stay forever. `isLive(runId)` decides
 * from the run record (status `running` and a process that still exists on this host; see
 * runs.ts isStale): the folder of a live run is never touched. Returns the run ids whose
 * folders were (or, with `dryRun`, would be) removed.
 */
export async function removeStaleScratch(runsDir: string, isLive: (runId: string) => Promise<boolean>, options: { dryRun?: boolean } = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const runId of await runFolderNames(runsDir)) {
    const dir = join(runsDir, runId, SCRATCH_DIR);
    // One stat per run folder; most have no scratch folder left.
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    if (await isLive(runId)) continue;
    if (!options.dryRun) await rm(dir, { recursive: true, force: true });
    removed.push(runId);
  }
  return removed;
}

/**
 * Liveness from the run record in the store: alive while its status is `running` and its
 * process exists (on another host it cannot be checked, so it counts as alive). No
 * record means no run that could still use the folder: a run writes its record before
 * its first job makes a work dir.
 */
export function runLiveness(store: Store): (runId: string) => Promise<boolean> {
  return async (runId) => {
    const bytes = await store.getBytes(StoreKeys.runRecord(runId));
    if (!bytes) return false;
    let record: RunRecord;
    try {
      record = JSON.parse(Buffer.from(bytes).toString('utf8')) as RunRecord;
    } catch {
      return true; // being rewritten: leave it for the next time
    }
    return record.status === 'running' && !isStale(record);
  };
}
