import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAero } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';

// The real thing end to end: `aero run --launcher slurm` → sbatch → `aero exec` on the
// Slurm node, compared with the inline launcher. The config lists its own (no-op)
// tracker so the run does not depend on the default tracker plugin.
const cli = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const workDir = fileURLToPath(new URL('../.aero/e2e', import.meta.url));
const PARTITIONS = 40;

const CONFIG = `import { defineAction, defineConfig } from '@aeroml/core';
import { slurmLauncher } from '@aeroml/launcher-slurm';

const nullTracker = { kind: 'tracker', name: 'null', version: '0', startRun() {}, startAction() {}, logParams() {}, logMetrics() {}, logArtifact() {}, setTags() {}, endAction() {}, endRun() {}, async flush() {}, async close() {} };
const seed = defineAction({
  name: 'seed',
  outputs: { values: { handler: 'json' } },
  async run({ outputs, log }) {
    log.info('seed says hello');
    await outputs.values.write([1, 2, 3, 4]);
  },
});
const scale = defineAction({
  name: 'scale',
  partitions: { k: Array.from({ length: ${PARTITIONS} }, (_, i) => i) },
  inputs: { values: seed.output('values') },
  outputs: { scaled: { handler: 'json', path: 'scaled-{k}.json' } },
  async run({ inputs, outputs, partition }) {
    const values = await inputs.values.read();
    await outputs.scaled.write(values.map((v) => v * Number(partition.k)));
  },
});
const total = defineAction({
  name: 'total',
  inputs: { parts: scale.output('scaled').all() },
  outputs: { sum: { handler: 'json' } },
  async run({ inputs, outputs }) {
    let sum = 0;
    for (const p of inputs.parts) for (const v of await p.read()) sum += v;
    await outputs.sum.write({ sum });
  },
});
export default defineConfig({
  actions: [seed, scale, total],
  plugins: [nullTracker, slurmLauncher({ pollIntervalMs: 500, fileIntervalMs: 200 })],
});
`;

const aero = (cwd: string, args: string[]) => runAero(cli, cwd, args);

const outputs = async (dir: string) => (JSON.parse((await aero(dir, ['show', 'latest', '--json'])).stdout) as { actions: Array<{ id: string; outputs?: unknown }> }).actions.map((a) => [a.id, a.outputs]);

describe('aero run --launcher slurm (real CLI and worker)', () => {
  it(`runs a ${PARTITIONS}-partition action as one job array with the inline launcher's digests`, async () => {
    await mkdir(workDir, { recursive: true });
    const dir = await mkdtemp(join(workDir, 'run-'));
    await writeFile(join(dir, 'aero.config.ts'), CONFIG);
    const inline = await aero(dir, ['run', '--launcher', 'inline']);
    expect(inline.stderr).toBe('');
    expect(inline.code).toBe(0);
    const expected = await outputs(dir);
    const slurm = await aero(dir, ['run', '--force', '--launcher', 'slurm']);
    expect(slurm.stderr).toBe('');
    expect(slurm.code).toBe(0);
    expect(slurm.stdout).toMatch(new RegExp(`${PARTITIONS + 2} ran, 0 cached, 0 failed`));
    expect(await outputs(dir)).toEqual(expected);
    // One sbatch call (one batch directory) per action; scale's array has every partition.
    const batches = (await readdir(join(dir, '.aero', 'slurm', 'batches'))).map((b) => b.split('-')[0]).sort();
    expect(batches).toEqual(['scale', 'seed', 'total']);
    const scaleDir = (await readdir(join(dir, '.aero', 'slurm', 'batches'))).find((b) => b.startsWith('scale-'))!;
    expect((await readFile(join(dir, '.aero', 'slurm', 'batches', scaleDir, 'tasks.txt'), 'utf8')).trim().split('\n')).toHaveLength(PARTITIONS);
    expect((await aero(dir, ['logs', 'latest', 'seed'])).stdout).toContain('seed says hello');
  }, 600_000);
});
