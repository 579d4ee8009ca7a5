import { fileURLToPath } from 'node:url';
import { describeLauncher } from '@aero/test-utils';

// Real `aero run --launcher slurm` → sbatch → `aero exec` on the local Slurm node.
describeLauncher('@aero/launcher-slurm', {
  launcherName: 'slurm',
  pluginImport: "import { slurmLauncher } from '@aero/launcher-slurm';",
  pluginExpression: 'slurmLauncher({ pollIntervalMs: 500, maxPollIntervalMs: 2000, fileIntervalMs: 200 })',
  // Inside the package (ignored by git) so the project resolves @aero/* from the monorepo.
  workDir: fileURLToPath(new URL('../.aero/conformance', import.meta.url)),
  cli: fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url)),
  timeoutMs: 240_000,
});
