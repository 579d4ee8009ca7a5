import { spawn } from 'node:child_process';
import { AeroError } from '@aeroml/core';
import { PLUGIN } from './options.js';
import { SlurmErrorCodes } from './errors.js';

export interface CommandOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How many times each Slurm command was called (the lead reports these). */
export interface SlurmCallCounters {
  sbatch: number;
  squeue: number;
  scancel: number;
  scontrol: number;
  sacct: number;
}

export type SlurmCommand = keyof SlurmCallCounters;

/**
 * Runs one Slurm client command without a shell and collects its output. A missing
 * binary becomes SLURM_COMMAND_NOT_FOUND; a non-zero exit is returned to the caller,
 * which knows what it means for that command.
 */
export function runCommand(command: SlurmCommand, binary: string, args: string[], counters: SlurmCallCounters, env?: NodeJS.ProcessEnv): Promise<CommandOutput> {
  counters[command] += 1;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'EACCES') {
        reject(
          new AeroError(SlurmErrorCodes.SLURM_COMMAND_NOT_FOUND, `Cannot run \`${binary}\` (${error.code}): the Slurm client command \`${command}\` is not installed or not on PATH on this machine.`, {
            plugin: PLUGIN,
            hint: `Run aero on a Slurm login node, load Slurm (e.g. \`module load slurm\`), or set slurmLauncher({ commands: { ${command}: '/path/to/${command}' } }).`,
            cause: error,
          }),
        );
      } else reject(error);
    });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}
