import { defineErrors } from '@aeroml/core';
import { PLUGIN } from './options.js';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const slurmErrors = defineErrors(
  {
    SLURM_COMMAND_NOT_FOUND: { title: 'a Slurm client command (`sbatch`, `squeue`, …) is not on PATH', exit: 1, message: () => 'Cannot run `sbatch` (ENOENT): the Slurm client command `sbatch` is not installed…', hint: 'Run on a login node, `module load slurm`, or set `commands`.' },
    SLURM_JOB_CANCELLED: { title: 'the task was cancelled outside aero', exit: 1, message: () => 'cancelled outside aero' },
    SLURM_JOB_FAILED: { title: 'the task ended (FAILED/COMPLETED) without `result.json`; gives the exit code and Slurm reason', exit: 1, message: () => 'the task ended (FAILED/COMPLETED) without `result.json`; gives the exit code and Slurm reason' },
    SLURM_JOB_LOST: { title: 'neither squeue, scontrol nor sacct knows the job and no result came', exit: 1, message: () => 'neither squeue, scontrol nor sacct knows the job and no result came' },
    SLURM_JOB_PREEMPTED: { title: 'Slurm preempted the task (PREEMPTED)', exit: 1, message: () => 'OUT_OF_MEMORY, PREEMPTED' },
    SLURM_JOB_TIMEOUT: { title: 'Slurm stopped the task at its time limit (TIMEOUT)', exit: 1, message: () => 'Slurm stopped it at its time limit (TIMEOUT)' },
    SLURM_JOB_UNSCHEDULABLE: { title: 'the task was pending with a reason from `failOnPendingReasons`; aero cancelled it', exit: 1, message: () => 'pending with a reason from `failOnPendingReasons`; aero cancelled it' },
    SLURM_NODE_FAIL: { title: 'NODE_FAIL / BOOT_FAIL, with the reason (e.g. `NodeDown`) and node', exit: 1, message: () => 'NODE_FAIL / BOOT_FAIL, with the reason (e.g. `NodeDown`) and node' },
    SLURM_NO_EXEC_COMMAND: { title: 'no worker command is known to run inside the job', exit: 1, message: () => 'No worker command: …', hint: 'Set `execCommand`.' },
    SLURM_OUT_OF_MEMORY: { title: 'Slurm killed the task for using more memory than it asked for (OUT_OF_MEMORY)', exit: 1, message: () => 'OUT_OF_MEMORY, PREEMPTED' },
    SLURM_RESOURCES_INVALID: { title: 'an action\'s `resources.slurm` is invalid', exit: 1, message: () => '`Invalid Slurm resources for action `x`:` + problems', hint: 'Fix `resources.slurm`.' },
    SLURM_SBATCH_REJECTED: { title: '`sbatch` refused the job array', exit: 1, message: () => 'sbatch rejected the job array for action `x` (N task(s), exit 1): <sbatch stderr>', hint: 'Fix partition/account/qos/time.' },
    SLURM_SCANCEL_FAILED: { title: '`scancel` failed while cancelling jobs', exit: 1, message: () => 'scancel <ids>` failed (exit 1): <stderr>', hint: 'Cancel by hand (the hint lists the ids).' },
    SLURM_STATUS_FAILED: { title: '`maxStatusFailures` squeue calls in a row failed (the job may still run: rerun to reattach)', exit: 1, message: () => '`maxStatusFailures` squeue calls in a row failed (the job may still run: rerun to reattach)' },
  },
  { plugin: PLUGIN },
);

/** `slurmErrors.codes` under a shorter name for the places that raise them. */
export const SlurmErrorCodes = slurmErrors.codes;
