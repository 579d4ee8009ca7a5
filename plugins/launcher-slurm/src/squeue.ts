/**
 * Reads `squeue --json` (Slurm 22.05's OpenAPI v0.0.38 and the later v0.0.39+/v40+
 * shapes, where numbers become `{ set, number }` and `job_state` a list) into one state
 * per array task.
 */
export interface TaskState {
  state: string;
  reason: string | undefined;
  /** Exit status of the batch script when Slurm knows it (not the wait-status encoding). */
  exitCode: number | undefined;
  node: string | undefined;
}

export interface QueueSnapshot {
  /** `<arrayJobId>_<taskId>` → state of tasks Slurm lists one by one. */
  tasks: Map<string, TaskState>;
  /** `<arrayJobId>` → collapsed pending records (`array_task_string` like `2-199%50`). */
  pendingRanges: Map<string, Array<{ ids: Set<number>; state: TaskState }>>;
  /**
   * Plain jobs, and array records with neither a task id nor a task range (an array whose
   * tasks never split, e.g. cancelled while pending), by job id.
   */
  jobs: Map<string, TaskState>;
}

type Num = number | { set?: boolean; infinite?: boolean; number?: number } | null | undefined;

function num(value: Num): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && value.set !== false && typeof value.number === 'number') return value.number;
  return undefined;
}

function stateOf(value: unknown): string {
  if (Array.isArray(value)) return String(value[0] ?? 'UNKNOWN');
  return typeof value === 'string' ? value : 'UNKNOWN';
}

function exitOf(value: unknown): number | undefined {
  // v0.0.38: wait-status integer (code << 8 | signal); later: { status, return_code: Num, signal }.
  if (typeof value === 'number') return value >> 8;
  if (value && typeof value === 'object' && 'return_code' in value) return num((value as { return_code: Num }).return_code);
  return undefined;
}

/** Expands `2-4,7,9-11%2` into task ids. */
export function parseArrayTaskString(text: string): Set<number> {
  const ids = new Set<number>();
  const body = text.split('%')[0] ?? '';
  for (const part of body.split(',')) {
    const step = part.split(':');
    const range = (step[0] ?? '').split('-');
    const by = step[1] ? Number(step[1]) : 1;
    const lo = Number(range[0]);
    const hi = range[1] === undefined ? lo : Number(range[1]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || by <= 0) continue;
    for (let i = lo; i <= hi; i += by) ids.add(i);
  }
  return ids;
}

export function parseSqueueJson(text: string): QueueSnapshot {
  const data = JSON.parse(text) as { jobs?: Array<Record<string, unknown>> };
  const snapshot: QueueSnapshot = { tasks: new Map(), pendingRanges: new Map(), jobs: new Map() };
  for (const job of data.jobs ?? []) {
    const state: TaskState = {
      state: stateOf(job.job_state),
      reason: typeof job.state_reason === 'string' && job.state_reason !== 'None' ? job.state_reason : undefined,
      exitCode: exitOf(job.exit_code),
      node: typeof job.nodes === 'string' && job.nodes ? job.nodes : undefined,
    };
    const jobId = num(job.job_id as Num);
    const arrayJobId = num(job.array_job_id as Num);
    const taskId = num(job.array_task_id as Num);
    const taskString = typeof job.array_task_string === 'string' ? job.array_task_string : '';
    if (arrayJobId && taskId !== undefined) snapshot.tasks.set(`${arrayJobId}_${taskId}`, state);
    else if (arrayJobId && taskString) {
      const list = snapshot.pendingRanges.get(String(arrayJobId)) ?? [];
      list.push({ ids: parseArrayTaskString(taskString), state });
      snapshot.pendingRanges.set(String(arrayJobId), list);
    } else if (jobId !== undefined) snapshot.jobs.set(String(jobId), state);
  }
  return snapshot;
}

/** The state of task `taskId` of array `arrayJobId`, or undefined when Slurm no longer lists it. */
export function lookupTask(snapshot: QueueSnapshot, arrayJobId: string, taskId: number): TaskState | undefined {
  const direct = snapshot.tasks.get(`${arrayJobId}_${taskId}`);
  if (direct) return direct;
  for (const range of snapshot.pendingRanges.get(arrayJobId) ?? []) if (range.ids.has(taskId)) return range.state;
  return snapshot.jobs.get(arrayJobId);
}

/** Parses `scontrol show job -o` (one job per line, `Key=Value` pairs) into array task states. */
export function parseScontrolShowJob(text: string): Map<string, TaskState> {
  const out = new Map<string, TaskState>();
  for (const line of text.split('\n')) {
    if (!line.includes('JobId=')) continue;
    const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(line)?.[1];
    const arrayJobId = field('ArrayJobId');
    const taskId = field('ArrayTaskId');
    // ArrayTaskId is NO_VAL (4294967294) or a range on records of tasks that never split.
    const key = arrayJobId && taskId && /^\d+$/.test(taskId) && taskId !== '4294967294' ? `${arrayJobId}_${taskId}` : field('JobId');
    if (!key) continue;
    const exit = field('ExitCode');
    const reason = field('Reason');
    out.set(key, {
      state: field('JobState') ?? 'UNKNOWN',
      reason: reason && reason !== 'None' ? reason : undefined,
      exitCode: exit ? Number(exit.split(':')[0]) : undefined,
      node: field('NodeList') && field('NodeList') !== '(null)' ? field('NodeList') : undefined,
    });
  }
  return out;
}

/** Parses `sacct -n -P -o JobID,State,ExitCode,Reason` lines. */
export function parseSacct(text: string): Map<string, TaskState> {
  const out = new Map<string, TaskState>();
  for (const line of text.split('\n')) {
    const [id, state, exit, reason] = line.trim().split('|');
    if (!id || !state || id.includes('.')) continue;
    out.set(id, {
      state: state.split(' ')[0] ?? state,
      reason: reason && reason !== 'None' ? reason : undefined,
      exitCode: exit ? Number(exit.split(':')[0]) : undefined,
      node: undefined,
    });
  }
  return out;
}

export const TERMINAL_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'SPECIAL_EXIT',
  'REVOKED',
]);
