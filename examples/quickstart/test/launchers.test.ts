import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyProject, runAero } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const aero = (cwd: string, ...args: string[]) => runAero(cli, cwd, args);

/** A copy of the quickstart whose config also lists the docker (podman) and slurm launchers. */
async function quickstartWithLaunchers(): Promise<string> {
  const dir = await copyProject(here, join(here, '.test-work'), 'launchers', ['src', 'data']);
  const config = (await readFile(join(here, 'aero.config.ts'), 'utf8'))
    .replace("import { defineConfig } from '@aeroml/core';", "import { defineConfig } from '@aeroml/core';\nimport { dockerLauncher } from '@aeroml/launcher-docker';\nimport { slurmLauncher } from '@aeroml/launcher-slurm';")
    .replace(
      '  actions: [ingest, split, train, evaluate],',
      "  actions: [ingest, split, train, evaluate],\n  plugins: [\n    dockerLauncher({ runtime: 'podman', runtimeArgs: ['--runtime', 'runc', '--cgroup-manager=cgroupfs'], image: 'localhost/aero-node:test', pull: 'never' }),\n    slurmLauncher({ pollIntervalMs: 500, fileIntervalMs: 200 }),\n  ],",
    );
  expect(config).toContain('slurmLauncher({');
  await writeFile(join(dir, 'aero.config.ts'), config);
  return dir;
}

async function outputsOf(dir: string): Promise<Array<[string, unknown]>> {
  const show = JSON.parse((await aero(dir, 'show', 'latest', '--json')).stdout) as { actions: Array<{ id: string; outputs?: unknown }> };
  return show.actions.map((a) => [a.id, a.outputs]);
}

// Issue 8's acceptance check: the same pipeline, unchanged, in-process, in subprocesses,
// in containers (podman through the docker CLI launcher) and on a real Slurm cluster
// (tools/podman/start.sh and tools/slurm/start.sh), with identical artifact digests.
describe('examples/quickstart on every launcher', () => {
  it('inline, process, docker and slurm produce identical artifact digests', { timeout: 900_000 }, async () => {
    const dir = await quickstartWithLaunchers();
    const digests: Record<string, Array<[string, unknown]>> = {};
    for (const launcher of ['inline', 'process', 'docker', 'slurm']) {
      const r = await aero(dir, 'run', '--force', '--launcher', launcher);
      expect({ launcher, code: r.code, stderr: r.stderr }).toEqual({ launcher, code: 0, stderr: '' });
      expect(r.stdout).toMatch(/4 ran, 0 cached, 0 failed/);
      digests[launcher] = await outputsOf(dir);
    }
    expect(digests.inline!.map(([id]) => id)).toEqual(['ingest', 'split', 'train', 'evaluate']);
    expect(digests.inline!.every(([, outputs]) => outputs && Object.keys(outputs as object).length > 0)).toBe(true);
    for (const launcher of ['process', 'docker', 'slurm']) expect(digests[launcher]).toEqual(digests.inline);
  });
});
