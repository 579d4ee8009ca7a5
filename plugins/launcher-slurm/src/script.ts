import type { JobSpec } from '@aeroml/core';
import { AeroError } from '@aeroml/core';
import { formatIssues, PLUGIN, slurmResourcesSchema, type ResolvedSlurmOptions, type SlurmResources } from './options.js';
import { SlurmErrorCodes } from './errors.js';

/** POSIX-shell single quoting. */
export const shq = (value: string) => `'${value.replaceAll("'", `'"'"'`)}'`;

/** The Slurm settings of one job: launcher defaults, then the action's resources. */
export interface TaskSettings {
  partition?: string | undefined;
  account?: string | undefined;
  qos?: string | undefined;
  time?: string | undefined;
  cpus: number;
  memoryMb?: number | undefined;
  gpus: number;
  gres: string;
  constraint?: string | undefined;
  extraArgs: string[];
}

export function taskSettings(spec: JobSpec, options: ResolvedSlurmOptions): TaskSettings {
  const raw = spec.resources.slurm;
  let extra: SlurmResources = {};
  if (raw !== undefined) {
    const parsed = slurmResourcesSchema.safeParse(raw);
    if (!parsed.success) {
      const lines = formatIssues(`${spec.action}.resources.slurm`, parsed.error);
      throw new AeroError(SlurmErrorCodes.SLURM_RESOURCES_INVALID, `Invalid Slurm resources for action \`${spec.action}\`:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
        plugin: PLUGIN,
        hint: 'resources.slurm accepts partition, account, qos, time, gres, constraint and extraArgs (see the @aeroml/launcher-slurm README).',
      });
    }
    extra = parsed.data;
  }
  const minutes = spec.resources.timeMinutes ?? (spec.timeoutMs ? Math.ceil(spec.timeoutMs / 60_000) : undefined);
  return {
    partition: extra.partition ?? options.partition,
    account: extra.account ?? options.account,
    qos: extra.qos ?? options.qos,
    time: extra.time ?? (minutes !== undefined ? String(minutes) : options.time),
    cpus: spec.resources.cpus ?? options.cpusPerTask,
    memoryMb: spec.resources.memoryMb ?? options.memoryMb,
    gpus: spec.resources.gpus ?? 0,
    gres: extra.gres ?? options.gres,
    constraint: extra.constraint ?? options.constraint,
    extraArgs: [...options.extraArgs, ...(extra.extraArgs ?? [])],
  };
}

/** `sbatch` arguments for the resources (everything but the array and file names). */
export function resourceArgs(s: TaskSettings, requeue: boolean): string[] {
  const args = [`--cpus-per-task=${s.cpus}`];
  if (s.partition) args.push(`--partition=${s.partition}`);
  if (s.account) args.push(`--account=${s.account}`);
  if (s.qos) args.push(`--qos=${s.qos}`);
  if (s.time) args.push(`--time=${s.time}`);
  if (s.memoryMb) args.push(`--mem=${s.memoryMb}M`);
  if (s.gpus > 0) args.push(`--gres=${s.gres}:${s.gpus}`);
  if (s.constraint) args.push(`--constraint=${s.constraint}`);
  args.push(requeue ? '--requeue' : '--no-requeue');
  args.push(...s.extraArgs);
  return args;
}

export function jobName(prefix: string, action: string): string {
  return `${prefix}-${action}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 120);
}

/**
 * The batch script of one array: task N reads line N+1 of the list file (the path of its
 * job.json), sources that job's environment, runs the worker with its output in the job
 * directory (the working directory is the project, from `sbatch --chdir`), and records the exit code so a crash is reported with it.
 */
export function batchScript(listFile: string, execCommand: string[], setup: string[]): string {
  return [
    '#!/bin/sh',
    '# Written by @aeroml/launcher-slurm: one task of an aero job array.',
    `SPEC=$(sed -n "$(( \${SLURM_ARRAY_TASK_ID:-0} + 1 ))p" ${shq(listFile)})`,
    'if [ -z "$SPEC" ]; then echo "aero: no job spec for array task ${SLURM_ARRAY_TASK_ID:-?} in ' + listFile.replaceAll('"', '') + '" >&2; exit 98; fi',
    'DIR=$(dirname "$SPEC")',
    '[ -f "$DIR/slurm.env.sh" ] && . "$DIR/slurm.env.sh"',
    ...setup,
    `${execCommand.map(shq).join(' ')} --spec "$SPEC" >>"$DIR/slurm.out" 2>>"$DIR/slurm.err"`,
    'code=$?',
    'printf "%s\\n" "$code" > "$DIR/slurm.exit.tmp" && mv -f "$DIR/slurm.exit.tmp" "$DIR/slurm.exit"',
    'exit $code',
    '',
  ].join('\n');
}

/** `export K='v'` lines for a job's environment. */
export function envScript(env: Record<string, string>): string {
  return (
    Object.entries(env)
      .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      .map(([k, v]) => `export ${k}=${shq(v)}`)
      .join('\n') + '\n'
  );
}
