import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAero } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';

// The real thing end to end: `aero run --launcher docker` → podman → `aero exec` inside
// localhost/aero-node:test, compared with the inline launcher. The config lists its own
// (no-op) tracker so the run does not depend on the default tracker plugin.
const cli = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const workDir = fileURLToPath(new URL('../.aero/e2e', import.meta.url));

const CONFIG = `import { defineAction, defineConfig } from '@aeroml/core';
import { dockerLauncher } from '@aeroml/launcher-docker';

const nullTracker = { kind: 'tracker', name: 'null', version: '0', startRun() {}, startAction() {}, logParams() {}, logMetrics() {}, logArtifact() {}, setTags() {}, endAction() {}, endRun() {}, async flush() {}, async close() {} };
const seed = defineAction({
  name: 'seed',
  outputs: { values: { handler: 'json' } },
  async run({ outputs, log }) {
    log.info('seed says hello from ' + (process.env.AERO_WHERE ?? 'nowhere'));
    await outputs.values.write([1, 2, 3, 4]);
  },
});
const scale = defineAction({
  name: 'scale',
  partitions: { k: [2, 3] },
  inputs: { values: seed.output('values') },
  outputs: { scaled: { handler: 'json', path: 'scaled-{k}.json' } },
  async run({ inputs, outputs, partition }) {
    const values = await inputs.values.read();
    await outputs.scaled.write(values.map((v) => v * Number(partition.k)));
  },
});
export default defineConfig({
  actions: [seed, scale],
  plugins: [
    nullTracker,
    dockerLauncher({ runtime: 'podman', runtimeArgs: ['--runtime', 'runc', '--cgroup-manager=cgroupfs'], image: 'localhost/aero-node:test', pull: 'never', env: { AERO_WHERE: 'a container' } }),
  ],
});
`;

const aero = (cwd: string, args: string[]) => runAero(cli, cwd, args);

const outputs = async (dir: string) => (JSON.parse((await aero(dir, ['show', 'latest', '--json'])).stdout) as { actions: Array<{ id: string; outputs?: unknown }> }).actions.map((a) => [a.id, a.outputs]);

describe('aero run --launcher docker (real CLI and worker in podman)', () => {
  it('runs a partitioned pipeline in containers with the inline launcher’s digests', async () => {
    await mkdir(workDir, { recursive: true });
    const dir = await mkdtemp(join(workDir, 'run-'));
    await writeFile(join(dir, 'aero.config.ts'), CONFIG);
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
