import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@aeroml/core';
import { jobFiles } from './job-files.js';

/** What `<jobDir>/slurm.json` records so a rerun can find the job again. */
export interface SubmittedTask {
  jobId: string;
  runId: string;
  arrayJobId: string;
  taskId: number;
  slurmJobId: string;
  batchDir: string;
  submittedAt: string;
}

/** One submitted array in `<workDir>/active/<arrayJobId>.json`, removed when it is done. */
export interface ActiveArray {
  arrayJobId: string;
  runId: string;
  action: string;
  ownerPid: number;
  ownerHost: string;
  submittedAt: string;
  jobIds: string[];
}

export async function writeTaskState(jobDir: string, task: SubmittedTask): Promise<void> {
  await writeFileAtomic(jobFiles(jobDir).state, JSON.stringify(task, null, 2));
}

export async function readTaskState(jobDir: string): Promise<SubmittedTask | undefined> {
  try {
    const task = JSON.parse(await readFile(jobFiles(jobDir).state, 'utf8')) as SubmittedTask;
    return typeof task.arrayJobId === 'string' && typeof task.taskId === 'number' ? task : undefined;
  } catch {
    return undefined;
  }
}

export async function clearTaskState(jobDir: string): Promise<void> {
  await rm(jobFiles(jobDir).state, { force: true });
}

const activeDir = (workDir: string) => join(workDir, 'active');

export async function recordArray(workDir: string, entry: Omit<ActiveArray, 'ownerPid' | 'ownerHost'>): Promise<void> {
  await mkdir(activeDir(workDir), { recursive: true });
  const full: ActiveArray = { ...entry, ownerPid: process.pid, ownerHost: hostname() };
  await writeFileAtomic(join(activeDir(workDir), `${entry.arrayJobId}.json`), JSON.stringify(full, null, 2));
}

export async function forgetArray(workDir: string, arrayJobId: string): Promise<void> {
  await rm(join(activeDir(workDir), `${arrayJobId}.json`), { force: true });
}

export async function listArrays(workDir: string): Promise<ActiveArray[]> {
  let names: string[];
  try {
    names = await readdir(activeDir(workDir));
  } catch {
    return [];
  }
  const out: ActiveArray[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      out.push(JSON.parse(await readFile(join(activeDir(workDir), name), 'utf8')) as ActiveArray);
    } catch {
      // A half-written entry cannot exist (atomic writes); anything unreadable is skipped.
    }
  }
  return out;
}

/** True when the process that submitted the array is gone (only decidable on its host). */
export function ownerIsDead(entry: ActiveArray): boolean {
  if (entry.ownerHost !== hostname()) return false;
  if (entry.ownerPid === process.pid) return false;
  try {
    process.kill(entry.ownerPid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
