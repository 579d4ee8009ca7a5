import { fileURLToPath } from 'node:url';
import { latestRunOutputs, launcherPipelineSource, nullTrackerSource, runAero, writeProject } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';

// The real thing end to end: `aero run --launcher docker` → podman → `aero exec` inside
// localhost/aero-node:test, compared with the inline launcher. The config lists its own
// (no-op) tracker so the run does not depend on the default tracker plugin.
const cli = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const workDir = fileURLToPath(new URL('../.aero/e2e', import.meta.url));

const CONFIG = launcherPipelineSource({
  pluginImport: "import { dockerLauncher } from '@aeroml/launcher-docker';",
  greeting: "'seed says hello from ' + (process.env.AERO_WHERE ?? 'nowhere')",
  total: false,
  plugins: `${nullTrackerSource},
    dockerLauncher({ runtime: 'podman', runtimeArgs: ['--runtime', 'runc', '--cgroup-manager=cgroupfs'], image: 'localhost/aero-node:test', pull: 'never', env: { AERO_WHERE: 'a container' } }),
  `,
});

const aero = (cwd: string, args: string[]) => runAero(cli, cwd, args);

const outputs = (dir: string) => latestRunOutputs(cli, dir);

describe('aero run --launcher docker (real CLI and worker in podman)', () => {
  it('runs a partitioned pipeline in containers with the inline launcher’s digests', async () => {
    const dir = await writeProject(workDir, 'run', { 'aero.config.ts': CONFIG });
    const inline = await aero(dir, ['run', '--launcher', 'inline']);
    expect(inline.code).toBe(0);
    const expected = await outputs(dir);
    const docker = await aero(dir, ['run', '--force', '--launcher', 'docker']);
    expect(docker.stderr).toBe('');
    expect(docker.code).toBe(0);
    expect(docker.stdout).toMatch(/3 ran, 0 cached, 0 failed/);
    expect(await outputs(dir)).toEqual(expected);
    expect((await aero(dir, ['logs', 'latest', 'seed'])).stdout).toContain('seed says hello from a container');
  }, 600_000);
});
