import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ArtifactManifest } from '../contracts/artifact.js';
import type { ActionStatus } from '../contracts/tracker.js';
import type { Store } from '../contracts/store.js';
import { sourceFilesOf } from '../code-identity/index.js';
import { failureLogLines, withLogPointer, type JobError } from '../failure.js';
import { StoreKeys } from '../keys.js';
import type { PlannedInstance } from '../plan-types.js';
import type { AeroProject } from '../project.js';
import type { ActionEntry, CacheEntry, RunRecord } from '../runs.js';
import { RunJournal, holdsEveryManifest, type JournalOptions } from './journal.js';

/**
 * Everything a run writes about itself to the store: run.json (at the start, every few
 * seconds while it changes, at the end), the cache entry of each instance that ran (in
 * the run journal, journal.ts: one file per batch, not per instance), the
 * record and log of instances that have more to say than their run.json entry, and the
 * snapshot of config and sources.
 */
export class RunRecorder {
  /** Log lines of each instance, until the instance is persisted. */
  private readonly logs = new Map<string, string[]>();
  private dirty = false;
  private nextCheckpoint = 0;
  private timer: NodeJS.Timeout | undefined;

  private readonly journal: RunJournal;

  constructor(
    private readonly store: Store,
    readonly record: RunRecord,
    /** The project folder, to show log paths relative to it. */
    private readonly cwd: string,
    journal: JournalOptions = {},
  ) {
    this.journal = new RunJournal(store, record.id, journal);
  }

  get runId(): string {
    return this.record.id;
  }

  /** Something in the record changed: the next checkpoint writes it. */
  touch(): void {
    this.dirty = true;
  }

  async writeRecord(): Promise<void> {
    this.dirty = false;
    await this.store.put(StoreKeys.runRecord(this.runId), JSON.stringify(this.record));
  }

  /** Writes run.json every 2 s while it changes; backs off so huge runs spend little time on it. */
  startCheckpoints(): void {
    this.timer = setInterval(() => void this.checkpoint(), 2_000);
    this.timer.unref();
  }

  stopCheckpoints(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async checkpoint(): Promise<void> {
    if (!this.dirty || Date.now() < this.nextCheckpoint) return;
    const started = Date.now();
    await this.writeRecord().catch(() => undefined);
    this.nextCheckpoint = Date.now() + 20 * (Date.now() - started);
  }

  appendLog(instanceId: string, line: string): void {
    let lines = this.logs.get(instanceId);
    if (!lines) this.logs.set(instanceId, (lines = []));
    lines.push(line);
  }

  /** A failure goes into the instance's log (with its stack); the error then says where that log is. */
  reportFailure(inst: PlannedInstance, error: JobError): JobError {
    for (const line of failureLogLines(error)) this.appendLog(inst.id, line);
    const key = StoreKeys.instanceLog(this.runId, inst.dir);
    const root = this.store.localRoot;
    const local = root ? join(root, key) : undefined;
    const logPath = local ? (relative(this.cwd, local).startsWith('..') ? local : relative(this.cwd, local)) : `\`${key}\` in the store`;
    return withLogPointer(error, { runId: this.runId, instanceId: inst.id, logPath });
  }

  /**
   * The entry that makes `key` a cache hit for later runs (its outputs' blobs committed
   * before), with the manifests committed in this process: appended to the run journal as
   * one record, written with its batch.
   */
  writeCacheEntry(entry: CacheEntry, manifests?: Record<string, ArtifactManifest>): void {
    this.journal.append({ type: 'entry', entry, ...(manifests ? { manifests } : {}) });
    if (manifests && holdsEveryManifest(entry.outputs, manifests)) this.withManifests.add(entry.key);
  }

  /** Keys whose journal record holds the manifest of every output. */
  private readonly withManifests = new Set<string>();

  /** The journal segment holding the entry of `key`, once its batch is written. */
  segmentOf(key: string): string | undefined {
    return this.journal.segmentOf(key);
  }

  /** Whether the journal record of `key` holds the manifests of all its outputs. */
  manifestsJournaled(key: string): boolean {
    return this.withManifests.has(key);
  }

  /** The checksum of a journal segment of this run (for the cache pack). */
  segmentChecksum(segment: string): string | undefined {
    return this.journal.checksumOf(segment);
  }

  /**
   * Writes what the journal still holds (at the end of the run, also when it was
   * interrupted), then folds the run's segments into one (RunJournal.compact).
   */
  flushJournal(): Promise<void> {
    return this.journal.compact();
  }

  /**
   * record.json and log.txt of an instance that ran. Cached instances, and instances that
   * ran with nothing to add to their run.json entry (no log, metrics or error; outputs and
   * inputs are in the entry), live in run.json only: on a 10,000-instance fan that is
   * 10,000 fewer files and folders.
   */
  async persistInstance(inst: PlannedInstance, entry: ActionEntry, status: ActionStatus, began: number, error?: ActionEntry['error']): Promise<void> {
    const lines = this.logs.get(inst.id);
    this.logs.delete(inst.id);
    const hasMore = Boolean(error || lines?.length || (entry as { metrics?: unknown }).metrics);
    if (!hasMore) return;
    const record = { ...entry, status, durationMs: Date.now() - began, params: inst.params ?? {}, ...(error ? { error } : {}), finishedAt: new Date().toISOString() };
    await this.store.put(StoreKeys.instanceRecord(this.runId, inst.dir), JSON.stringify(record, null, 2));
    if (lines && lines.length > 0) await this.store.put(StoreKeys.instanceLog(this.runId, inst.dir), lines.join('\n') + '\n');
  }

  /** Resolved config, config sources and action sources, next to the run. */
  async writeSnapshot(project: AeroProject, options: object): Promise<void> {
    const { store } = this;
    // The config file by its path in the project, so `aero rerun` loads the one the run was
    // started with (`--config other.config.ts`), not whichever file it would find by default.
    const configFile = project.configFile ? relative(project.cwd, project.configFile) : undefined;
    await store.put(
      StoreKeys.snapshot(this.runId, 'config.json'),
      JSON.stringify({ ...(configFile !== undefined ? { configFile } : {}), params: project.params, overrides: project.overrides, options: { ...options, signal: undefined } }, null, 2),
    );
    const files = new Map<string, string>();
    for (const source of project.sources) if (source.content !== undefined) files.set(source.file, source.content);
    // Every action's files, not only those the run selected (`--only`), and every module the
    // config file imports (a file of defaults for its params, say): `aero rerun` loads it.
    const wanted = new Set<string>();
    if (project.configFile) for (const file of await project.sourceFilesOf(project.configFile)) wanted.add(file);
    for (const action of project.actions) for (const file of sourceFilesOf((await project.fingerprint(action)).files)) wanted.add(file);
    for (const file of wanted) {
      if (files.has(file) || file.startsWith('..')) continue;
      try {
        files.set(file, await readFile(resolve(project.cwd, file), 'utf8'));
      } catch {
        // a dep that vanished since fingerprinting: the digest is still in the record
      }
    }
    await Promise.all([...files].map(([file, content]) => store.put(StoreKeys.snapshot(this.runId, `sources/${file}`), content)));
  }
}
