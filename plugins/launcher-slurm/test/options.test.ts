import { describe, expect, it } from 'vitest';
import pkg from '../package.json';
import { parseArrayTaskString, parseScontrolShowJob, parseSqueueJson, slurmLauncher } from '../src/index.js';
import { lookupTask } from '../src/squeue.js';
import { context, project, spec } from './helpers.js';

describe('slurmLauncher options', () => {
  it('validates options at factory time and lists each problem with its path', () => {
    expect(() => slurmLauncher({ arrayLimit: 0, commands: { sbatch: 3 as unknown as string }, bogus: true } as never)).toThrowError(
      expect.objectContaining({
        code: 'PLUGIN_OPTIONS_INVALID',
        plugin: '@aeroml/launcher-slurm',
        message: [
          'Invalid options for slurmLauncher():',
          '  - `arrayLimit`: Too small: expected number to be >0',
          '  - `commands.sbatch`: expected string, received number',
          '  - `bogus`: unknown option.',
        ].join('\n'),
      }),
    );
  });

  it('rejects a poll backoff ceiling below the first interval', () => {
    expect(() => slurmLauncher({ pollIntervalMs: 5_000, maxPollIntervalMs: 1_000 })).toThrowError(
      'Invalid options for slurmLauncher():\n  - `maxPollIntervalMs`: must be >= pollIntervalMs (5000): raise it or lower pollIntervalMs',
    );
    expect(() => slurmLauncher({ partiton: 'gpu' } as never)).toThrowError('Invalid options for slurmLauncher():\n  - `partiton`: unknown option. Did you mean `partition`?');
  });

  it('has the plugin shape', () => {
    const launcher = slurmLauncher({ name: 'hpc' });
    // maxConcurrency is high so the engine hands a whole partitioned action over at once.
    expect(launcher).toMatchObject({ kind: 'launcher', name: 'hpc', packageName: '@aeroml/launcher-slurm', maxConcurrency: 100_000 });
    expect(launcher.calls).toEqual({ sbatch: 0, squeue: 0, scancel: 0, scontrol: 0, sacct: 0 });
  });

  it('rejects invalid resources.slurm on a job before submitting anything', async () => {
    const cwd = await project();
    const launcher = slurmLauncher();
    const job = await spec(cwd, 'train', {}, { resources: { cpus: 1, slurm: { partiton: 'gpu' } } });
    await expect(launcher.submit([job], context().ctx)[0]).rejects.toMatchObject({
      code: 'SLURM_RESOURCES_INVALID',
      message: 'Invalid Slurm resources for action `train`:\n  - train.resources.slurm: Unrecognized key: "partiton"',
    });
    expect(launcher.calls.sbatch).toBe(0);
  });

  it('needs a worker command', async () => {
    const cwd = await project();
    await expect(slurmLauncher().submit([await spec(cwd, 'train')], context([]).ctx)[0]).rejects.toMatchObject({
      code: 'SLURM_NO_EXEC_COMMAND',
      message: 'No worker command: the engine passed no execCommand and slurmLauncher({ execCommand }) is not set.',
    });
  });
});

describe('Slurm output parsers', () => {
  it('expands array task strings', () => {
    expect([...parseArrayTaskString('2-4,7,9-13:2%2')]).toEqual([2, 3, 4, 7, 9, 11, 13]);
  });

  it('reads Slurm 22.05 squeue --json records, including collapsed pending tasks', () => {
    const snap = parseSqueueJson(
      JSON.stringify({
        jobs: [
          { job_id: 2, array_job_id: 1, array_task_id: 0, array_task_string: '', job_state: 'FAILED', state_reason: 'NonZeroExitCode', exit_code: 768, nodes: 'n1' },
          { job_id: 1, array_job_id: 1, array_task_id: null, array_task_string: '2-4%2', job_state: 'PENDING', state_reason: 'JobArrayTaskLimit', exit_code: 0, nodes: '' },
        ],
      }),
    );
    expect(lookupTask(snap, '1', 0)).toEqual({ state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3, node: 'n1' });
    expect(lookupTask(snap, '1', 3)).toEqual({ state: 'PENDING', reason: 'JobArrayTaskLimit', exitCode: 0, node: undefined });
    expect(lookupTask(snap, '1', 1)).toBeUndefined();
  });

  it('reads the v0.0.40 shape of later Slurm releases', () => {
    const n = (number: number) => ({ set: true, infinite: false, number });
    const snap = parseSqueueJson(
      JSON.stringify({
        jobs: [{ job_id: n(8), array_job_id: n(7), array_task_id: n(1), job_state: ['TIMEOUT'], state_reason: 'TimeLimit', exit_code: { status: ['SIGNALED'], return_code: n(0) }, nodes: 'gpu3' }],
      }),
    );
    expect(lookupTask(snap, '7', 1)).toEqual({ state: 'TIMEOUT', reason: 'TimeLimit', exitCode: 0, node: 'gpu3' });
  });

  it('reads scontrol show job -o lines', () => {
    const states = parseScontrolShowJob(
      'JobId=12 ArrayJobId=10 ArrayTaskId=2 JobName=aero-x JobState=NODE_FAIL Reason=NodeDown Dependency=(null) ExitCode=0:0 NodeList=vm\n' +
        'JobId=10 ArrayJobId=10 ArrayTaskId=4294967294 JobState=CANCELLED Reason=PartitionTimeLimit ExitCode=0:0 NodeList=(null)\n',
    );
    expect(states.get('10_2')).toEqual({ state: 'NODE_FAIL', reason: 'NodeDown', exitCode: 0, node: 'vm' });
    expect(states.get('10')).toEqual({ state: 'CANCELLED', reason: 'PartitionTimeLimit', exitCode: 0, node: undefined });
  });
});

describe('slurmLauncher version', () => {
  it('is the version in package.json (inlined at build time, no literal to forget)', () => {
    expect(slurmLauncher().version).toBe(pkg.version);
    expect(slurmLauncher().packageName ?? pkg.name).toBe(pkg.name);
  });
});
