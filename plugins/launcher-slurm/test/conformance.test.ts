import { fileURLToPath } from 'node:url';
import { describeLauncher } from '@aeroml/test-utils';

// Real `aero run --launcher slurm` → sbatch → `aero exec` on the local Slurm node.
describeLauncher('@aeroml/launcher-slurm', {
  launcherName: 'slurm',
  pluginImport: "import { slurmLauncher } from '@aeroml/launcher-slurm';",
  pluginExpression: 'slurmLauncher({ pollIntervalMs: 500, maxPollIntervalMs: 2000, fileIntervalMs: 200 })',
  // Inside the package (ignored by git) so the project resolves @aeroml/* from the monorepo.
  workDir: fileURLToPath(new URL('../.aero/conformance', import.meta.url)),
  cli: fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url)),
  timeoutMs: 240_000,
});
