import { fileURLToPath } from 'node:url';
import { describeLauncher } from '@aeroml/test-utils';

// Real `aero run --launcher docker` → podman (runc) → `aero exec` inside localhost/aero-node:test.
// The project is mounted at its own path; the monorepo (where the aero CLI lives) read-only.
describeLauncher('@aeroml/launcher-docker', {
  launcherName: 'docker',
  pluginImport: "import { dockerLauncher } from '@aeroml/launcher-docker';",
  pluginExpression:
    "dockerLauncher({ runtime: 'podman', runtimeArgs: ['--runtime', 'runc', '--cgroup-manager=cgroupfs'], image: 'localhost/aero-node:test', pull: 'never', stopTimeoutSeconds: 2 })",
  // Inside the package (ignored by git) so the project resolves @aeroml/* from the monorepo.
  workDir: fileURLToPath(new URL('../.aero/conformance', import.meta.url)),
  cli: fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url)),
  timeoutMs: 240_000,
});
