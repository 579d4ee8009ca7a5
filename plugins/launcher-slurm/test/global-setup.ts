import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Starts (or finds) the single-node Slurm cluster; the tests fail when it cannot run. */
export default function setup(): void {
  const script = fileURLToPath(new URL('../../../tools/slurm/start.sh', import.meta.url));
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 480_000 });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`The Slurm test cluster could not be started by tools/slurm/start.sh; @aeroml/launcher-slurm's tests need it.\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? e.message}`);
  }
}
