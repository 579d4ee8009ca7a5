import { execFile } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Store } from '../contracts/store.js';
import type { RunStatus } from '../contracts/tracker.js';
import { sourceFilesOf } from '../code-identity/index.js';
import { findConfigFile, loadConfigFile } from '../config-file.js';
import { createAero, type Aero } from '../engine.js';
import { AeroError, ErrorCodes, isAeroError } from '../errors.js';
import { canonicalJson } from '../hash.js';
import { StoreKeys, instanceDirName } from '../keys.js';
import { flattenPlugins, type PluginDefaults } from '../plugins.js';
import { readJson } from '../queries/store-json.js';
import { getRun, readSnapshot } from '../queries/runs.js';
import { newRunId, type ActionEntry, type CacheEntry, type RunRecord } from '../runs.js';
import { overlayStore } from './overlay-store.js';
import { pinsFromRecords } from './pins.js';

const run$ = promisify(execFile);

export interface RerunOptions {
  /** The scratch store for the rerun's own writes, in `root` (the CLI passes a local store). */
  scratchStore: (root: string) => Store;
  /** Handlers (and other defaults) for kinds the recreated config leaves empty. Trackers are never used. */
  defaults?: Omit<PluginDefaults, 'store' | 'trackers'>;
  execCommand?: string[];
  signal?: AbortSignal;
  /** Keep the recreated folder (for inspection) instead of removing it. */
  keep?: boolean;
}

export interface RerunArtifact {
  instance: string;
  output: string;
  original: string;
  /** Absent when the instance did not produce it in the rerun (it failed or was skipped). */
  rerun?: string;
  identical: boolean;
}

export interface RerunFailure {
  instance: string;
  code: string;
  message: string;
  hint?: string;
  /** The last lines of its log: the scratch store that holds the whole log goes when the command ends. */
  log: string[];
}

export interface RerunReport {
  runId: string;
  rerunId: string;
  /** Where the code came from: the run's snapshot, or its git commit (with the snapshot's files over it). */
  source: 'snapshot' | 'git';
  commit: string | null;
  /** Why git was used, a dirty tree, params that came out different... */
  notes: string[];
  status: RunStatus;
  /** The instances that failed in the rerun, with their errors (an input gc removed, say). */
  failures: RerunFailure[];
  artifacts: RerunArtifact[];
  identical: boolean;
  /** The folder the code was recreated in (removed unless `keep`). */
  workDir: string;
}

/**
 * `aero rerun RUN`: runs RUN again as it was — its code (snapshot, or its git commit in a
 * temporary worktree when the snapshot does not hold every file its actions' code
 * identities name), its recorded overrides and `--only`, its pinned input versions — in a
 * scratch store that reads the project's blobs and writes nothing to the project, with
 * no trackers. Then compares every artifact digest with the original's.
 */
export async function rerunRun(project: Aero, ref: string, options: RerunOptions): Promise<RerunReport> {
  const original = await getRun(project, ref);
  const snapshot = await readSnapshot(project, original);
  const missing = await filesMissingFromSnapshot(project, original, snapshot.sources);
  const rerunId = newRunId();
  const root = join(project.dir, 'reruns', rerunId);
  const notes: string[] = [];
  let source: RerunReport['source'] = 'snapshot';
  let cwd = join(root, 'code');
  let worktree: string | undefined;
  try {
    if (missing.length > 0) {
      const commit = original.git.commit;
      if (!commit) {
        throw new AeroError(ErrorCodes.RERUN_SOURCE_MISSING, `Run ${original.id} cannot be recreated: its snapshot lacks ${listFew(missing)} and it has no git commit to take them from.`, {
          hint: 'Runs made in a git checkout record their commit; commit the project and run it again to make it reproducible.',
        });
      }
      source = 'git';
      notes.push(`the snapshot lacks ${listFew(missing)}: code from git commit ${commit.slice(0, 12)} in a temporary worktree, with the snapshot's files over it`);
      if (original.git.dirty) notes.push('the run was made from a working tree with uncommitted changes; files outside the snapshot are as committed');
      const top = (await run$('git', ['rev-parse', '--show-toplevel'], { cwd: project.cwd })).stdout.trim();
      worktree = join(root, 'worktree');
      await mkdir(root, { recursive: true });
      try {
        await run$('git', ['worktree', 'add', '--detach', worktree, commit], { cwd: top });
      } catch (error) {
        throw new AeroError(ErrorCodes.RERUN_SOURCE_MISSING, `Run ${original.id} cannot be recreated: git could not check out its commit ${commit.slice(0, 12)} (${((error as { stderr?: string }).stderr ?? String(error)).trim()}).`, {
          hint: 'Fetch the commit into this repository (git fetch) and run aero rerun again.',
        });
      }
      cwd = join(worktree, relative(top, project.cwd));
    }
    // The snapshot holds exactly the sources that ran: they win over the commit's.
    for (const [file, content] of Object.entries(snapshot.sources)) {
      const target = resolve(cwd, file);
      if (relative(cwd, target).startsWith('..')) continue; // never outside the recreated folder
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const report = await runRecreated(project, original, snapshot.config, cwd, root, options, notes);
    return { ...report, runId: original.id, rerunId, source, commit: original.git.commit, notes, workDir: cwd };
  } finally {
    if (!options.keep) {
      if (worktree) await run$('git', ['worktree', 'remove', '--force', worktree], { cwd: project.cwd }).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    }
  }
}

async function runRecreated(project: Aero, original: RunRecord, config: unknown, cwd: string, root: string, options: RerunOptions, notes: string[]) {
  const configFile = await recreatedConfigFile(original, config, cwd);
  const loaded = await loadRecreatedConfig(original, configFile, cwd);
  const store = overlayStore(project.plugins.store, options.scratchStore(join(root, 'store')));
  // The project's store and trackers are replaced: the rerun writes only to its scratch store.
  const plugins = flattenPlugins(loaded.plugins).filter((p) => p.kind !== 'store' && p.kind !== 'tracker');
  const aero = await createAero({
    cwd,
    configFile,
    config: { ...loaded, plugins: [...plugins, store], dir: join(root, 'state') },
    overrides: original.overrides,
    defaults: { ...options.defaults },
    ...(options.execCommand ? { execCommand: options.execCommand } : {}),
  });
  // Manifests journaled in the project's runs are no files the overlay could share.
  aero.artifacts.fallBackTo(project.artifacts);
  try {
    if (canonicalJson(aero.params) !== canonicalJson(original.params)) notes.push('the recreated config resolves to other params than the run recorded (an environment variable or file outside the snapshot?)');
    if (original.launcher !== 'inline') notes.push(`the run used launcher \`${original.launcher}\`; the rerun runs its actions in this process (inline), so a difference can also come from the machine`);
    const recorded = (config as { options?: { only?: string[] } } | undefined)?.options ?? {};
    const summary = await aero.run({
      ...(recorded.only?.length ? { only: recorded.only } : {}),
      pins: pinsFromRecords(original.pins ?? []),
      // In this process: a worker (process, docker, slurm) would open the config's own store,
      // not the scratch overlay, and could neither read pinned inputs from it nor stay out of it.
      launcher: 'inline',
      name: `rerun of ${original.id}`,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const artifacts = compareOutputs(original, summary.record);
    const failures = await Promise.all(summary.record.actions.filter((a) => a.status === 'failed' && a.error).map((a) => failureOf(store, summary.runId, a)));
    return { status: summary.status, failures, artifacts, identical: summary.status === 'succeeded' && artifacts.every((a) => a.identical) };
  } finally {
    await aero.close();
  }
}

/** How many of a failed instance's last log lines a rerun report carries. */
const FAILURE_LOG_LINES = 40;

/**
 * A failed instance of the rerun, with the end of its log. The log lives in the scratch
 * store, which goes when the command ends (unless `keep`): the hint's pointer to it
 * (`aero logs <rerun-id> …`) names a run no command could find, so it is cut, and the lines
 * are carried in the report instead.
 */
async function failureOf(store: Store, rerunId: string, entry: ActionEntry): Promise<RerunFailure> {
  const { code, message, hint } = entry.error!;
  const bytes = await store.getBytes(StoreKeys.instanceLog(rerunId, instanceDirName(entry.id))).catch(() => null);
  const log = bytes ? Buffer.from(bytes).toString('utf8').trimEnd().split('\n').slice(-FAILURE_LOG_LINES) : [];
  const ownHint = hint?.replace(/ \(the log is [^]*\)$/, '').replace(/^The log is [^]*\.$/, '');
  return { instance: entry.id, code, message, ...(ownHint ? { hint: ownHint } : {}), log };
}

/**
 * The config file the run was started with, in the recreated folder: the one its snapshot
 * names (a run started with `--config other.config.ts` is recreated from that file, not from
 * `aero.config.ts`), or for a snapshot that names none (written before aero recorded it)
 * the file aero finds by default.
 */
async function recreatedConfigFile(original: RunRecord, config: unknown, cwd: string): Promise<string> {
  const recorded = (config as { configFile?: unknown } | undefined)?.configFile;
  if (typeof recorded === 'string' && recorded !== '') {
    const file = resolve(cwd, recorded);
    const inside = !relative(cwd, file).startsWith('..') && !isAbsolute(relative(cwd, file));
    if (inside && (await stat(file).catch(() => undefined))?.isFile()) return file;
    throw new AeroError(ErrorCodes.RERUN_SOURCE_MISSING, `Run ${original.id} cannot be recreated: it was started with the config file ${recorded}, which neither its snapshot nor its commit holds${inside ? '' : ' (it is outside the project)'}.`, {
      hint: 'Keep the config file inside the project folder, and run the pipeline again to make a reproducible run.',
    });
  }
  const found = await findConfigFile(cwd);
  if (found) return found;
  throw new AeroError(ErrorCodes.RERUN_SOURCE_MISSING, `Run ${original.id} cannot be recreated: neither its snapshot nor its commit has an aero.config.ts for this project.`, {
    hint: 'A run records its config file in its snapshot; this run may predate snapshots. Run the pipeline again to make a reproducible run.',
  });
}

/**
 * The recreated config file, loaded. It fails to load when it imports a file neither the
 * snapshot nor the commit holds (one outside the project, say, that no action's code
 * uses): that is said as what it is, about the run, not as an error in a file of the
 * temporary folder (gone when the command ends) to be fixed.
 */
async function loadRecreatedConfig(original: RunRecord, configFile: string, cwd: string) {
  try {
    return await loadConfigFile(configFile);
  } catch (error) {
    if (!isAeroError(error) || error.code !== ErrorCodes.CONFIG_LOAD_FAILED) throw error;
    const cause = (error as { cause?: { message?: unknown } }).cause;
    const reason = String(typeof cause?.message === 'string' ? cause.message : error.message).split('\n')[0]!;
    throw new AeroError(ErrorCodes.RERUN_SOURCE_MISSING, `Run ${original.id} cannot be recreated: its config file ${relative(cwd, configFile)} does not load from the run's snapshot: ${reason}`, {
      hint: 'A file the config imports from outside the project folder is not in the snapshot; keep the files the config imports inside the project (or commit them with it), then run the pipeline again to make a reproducible run.',
      cause: error,
    });
  }
}

/** Every output digest of the original next to the rerun's. */
export function compareOutputs(original: RunRecord, rerun: RunRecord): RerunArtifact[] {
  const byId = new Map(rerun.actions.map((e) => [e.id, e]));
  const out: RerunArtifact[] = [];
  for (const entry of original.actions) {
    for (const [output, digest] of Object.entries(entry.outputs ?? {})) {
      const again = byId.get(entry.id)?.outputs?.[output];
      out.push({ instance: entry.id, output, original: digest, ...(again ? { rerun: again } : {}), identical: again === digest });
    }
  }
  return out;
}

/**
 * Source files the run's code identities name that its snapshot does not hold (files
 * outside the project, or a snapshot written before this file was a dependency).
 */
async function filesMissingFromSnapshot(project: Aero, run: RunRecord, sources: Record<string, string>): Promise<string[]> {
  const missing = new Set<string>();
  const entryOf = await cacheEntryReader(project);
  for (const entry of run.actions) {
    if (!entry.cacheKey) continue;
    const cached = await entryOf(entry.cacheKey);
    for (const file of sourceFilesOf(cached?.components.codeFiles ?? {})) if (!(file in sources)) missing.add(file);
  }
  if (Object.keys(sources).length === 0) missing.add('every source (the run has no snapshot)');
  return [...missing].sort();
}

/**
 * Reads cache entries through the project's cache index when it has one (entries derived
 * from run journals), else from `cache/<key>.json` in the store.
 */
async function cacheEntryReader(project: Aero): Promise<(key: string) => Promise<CacheEntry | undefined>> {
  const withIndex = project as unknown as { cacheEntries?: () => Promise<{ get(key: string): Promise<{ entry?: CacheEntry }> }> };
  if (typeof withIndex.cacheEntries === 'function') {
    const index = await withIndex.cacheEntries();
    return async (key) => (await index.get(key)).entry;
  }
  return (key) => readJson<CacheEntry>(project.plugins.store, StoreKeys.cacheEntry(key));
}

function listFew(files: string[]): string {
  return files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}
