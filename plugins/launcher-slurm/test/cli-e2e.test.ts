import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latestRunOutputs, launcherPipelineSource, nullTrackerSource, runAero, writeProject } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';

// The real thing end to end: `aero run --launcher slurm` → sbatch → `aero exec` on the
// Slurm node, compared with the inline launcher. The config lists its own (no-op)
// tracker so the run does not depend on the default tracker plugin.
const cli = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const workDir = fileURLToPath(new URL('../.aero/e2e', import.meta.url));
const PARTITIONS = 40;

const CONFIG = launcherPipelineSource({
  pluginImport: "import { slurmLauncher } from '@aeroml/launcher-slurm';",
  partitions: `Array.from({ length: ${PARTITIONS} }, (_, i) => i)`,
  plugins: `${nullTrackerSource}, slurmLauncher({ pollIntervalMs: 500, fileIntervalMs: 200 })`,
});

const aero = (cwd: string, args: string[]) => runAero(cli, cwd, args);

const outputs = (dir: string) => latestRunOutputs(cli, dir);

describe('aero run --launcher slurm (real CLI and worker)', () => {
  it(`runs a ${PARTITIONS}-partition action as one job array with the inline launcher's digests`, async () => {
    const dir = await writeProject(workDir, 'run', { 'aero.config.ts': CONFIG });
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
