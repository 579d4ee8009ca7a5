import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ActionStatus, RunStatus } from './contracts/tracker.js';
import type { PartitionKey } from './define.js';
import type { PinRecord } from './reproduce/pin-types.js';

/** run.json: everything about one pipeline run, in the store under runs/<id>/run.json. */
export interface RunRecord {
  schema: 1;
  id: string;
  name: string;
  project: string;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  git: GitInfo;
  params: Record<string, unknown>;
  overrides: string[];
  launcher: string;
  dev: boolean;
  sweepId?: string;
  host: string;
  pid: number;
  counts: Record<ActionStatus, number>;
  actions: ActionEntry[];
  /** `--use` pins: the versions this run took instead of running their producers (aero rerun replays them). */
  pins?: PinRecord[];
}

export interface ActionEntry {
  id: string;
  action: string;
  group?: string;
  type?: string;
  partition?: PartitionKey;
  status: ActionStatus | 'pending';
  cacheKey?: string;
  durationMs?: number;
  /** Output name → artifact version digest. */
  outputs?: Record<string, string>;
  /** Input name → artifact digests consumed. */
  inputs?: Record<string, string[]>;
  error?: { code: string; message: string; hint?: string };
  reason?: string;
}

/** Cache entry: cache/<key>.json → the outputs a run of that key produced. */
export interface CacheEntry {
  schema: 1;
  key: string;
  action: string;
  instanceId: string;
  /** Output name → { artifact name, digest }. */
  outputs: Record<string, { name: string; digest: string }>;
  components: CacheComponents;
  runId: string;
  createdAt: string;
}

export interface CacheComponents {
  action: string;
  code: string;
  codeFiles: Record<string, string>;
  params: unknown;
  inputs: Record<string, string[]>;
  partition: PartitionKey | null;
  outputs: Record<string, string>;
}

export interface GitInfo {
  commit: string | null;
  dirty: boolean;
  branch: string | null;
}

export function newRunId(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export const thisHost = hostname();

function git(cwd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5_000 }, (error, stdout) => resolve(error ? null : stdout.trim()));
  });
}

/** Commit, dirty flag and branch of the project, or nulls outside a git checkout. */
export async function gitInfo(cwd: string): Promise<GitInfo> {
  const [commit, status, branch] = await Promise.all([
    git(cwd, ['rev-parse', 'HEAD']),
    git(cwd, ['status', '--porcelain', '--untracked-files=no']),
    git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']),
  ]);
  return { commit, dirty: Boolean(status), branch };
}

export function emptyCounts(): Record<ActionStatus, number> {
  return { ran: 0, cached: 0, failed: 0, skipped: 0, interrupted: 0 };
}

/** A run whose process is gone without finishing was interrupted (crash, kill -9). */
export function isStale(record: RunRecord): boolean {
  if (record.status !== 'running' || record.host !== thisHost) return false;
  try {
    process.kill(record.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
