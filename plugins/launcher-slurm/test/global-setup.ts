import { fileURLToPath } from 'node:url';
import { runSetupScript } from '@aeroml/test-utils';

/** Starts (or finds) the single-node Slurm cluster; the tests fail when it cannot run. */
export default function setup(): void {
  runSetupScript(fileURLToPath(new URL('../../../tools/slurm/start.sh', import.meta.url)), "The Slurm test cluster could not be started by tools/slurm/start.sh; @aeroml/launcher-slurm's tests need it.", 480_000);
}
