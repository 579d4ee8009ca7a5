import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherPipelineSource } from './launcher-pipeline.js';
import { latestRunOutputs, runAero, type AeroCliResult, type RunAeroOptions } from './run-aero.js';

export interface DescribeLauncherOptions {
  /** Name the launcher registers (`--launcher <name>`). */
  launcherName: string;
  /** Import line(s) for the plugin in the generated aero.config.ts. */
  pluginImport: string;
  /** Expression that builds the plugin, e.g. `dockerLauncher({ runtime: 'podman', image })`. */
  pluginExpression: string;
  /**
   * Folder to create test projects in. It must resolve `@aeroml/core` and the plugin
   * through node_modules (inside the monorepo or a project that installed them), and
   * it must be visible to the launcher's workers (a shared filesystem for Slurm, a
   * mount for containers).
   */
  workDir: string;
  /** Path to the `aero` CLI's bin.js. */
  cli: string;
  /** Per-test timeout (container and cluster start-ups are slow). */
  timeoutMs?: number;
  /** Extra environment for the CLI. */
  env?: Record<string, string>;
}

// The shared pipeline plus actions that fail, crash and wait; AERO_CONFORMANCE_ACTIONS picks which run.
const PIPELINE = (o: DescribeLauncherOptions) =>
  launcherPipelineSource({
    pluginImport: o.pluginImport,
    plugins: o.pluginExpression,
    metric: true,
    extraActions: `const fail = defineAction({ name: 'fail', run() { throw new Error('deliberate failure in the worker'); } });
const crash = defineAction({ name: 'crash', run() { process.exit(3); } });
const wait = defineAction({
  name: 'wait',
  async run({ cwd, signal, log }) {
    log.info('wait started');
    while (!existsSync(join(cwd, 'go')) && !signal.aborted) await new Promise((r) => setTimeout(r, 50));
    if (signal.aborted) throw new Error('aborted');
  },
});
const pick = process.env.AERO_CONFORMANCE_ACTIONS ?? 'seed,scale,total';
const all = { seed, scale, total, fail, crash, wait };
`,
    actions: "pick.split(',').map((n) => all[n])",
  });

function runCli(o: DescribeLauncherOptions, cwd: string, args: string[], env: Record<string, string>, onStdout?: RunAeroOptions['onStdout']): Promise<AeroCliResult> {
  return runAero(o.cli, cwd, args, { env: { ...o.env, ...env }, onStdout });
}

async function project(o: DescribeLauncherOptions): Promise<string> {
  await mkdir(o.workDir, { recursive: true });
  const dir = await mkdtemp(join(o.workDir, `launcher-${o.launcherName}-`));
  await writeFile(join(dir, 'aero.config.ts'), PIPELINE(o));
  return dir;
}

function outputsOf(o: DescribeLauncherOptions, dir: string): Promise<unknown> {
  return latestRunOutputs(o.cli, dir, { ...o.env });
}

/**
 * Conformance suite for launchers, through the real CLI and worker: a partitioned
 * pipeline gives the same artifact digests as the inline launcher; worker errors, hard
 * crashes and cancellation are reported; logs and metrics come back.
 */
export function describeLauncher(name: string, o: DescribeLauncherOptions): void {
  const timeout = o.timeoutMs ?? 180_000;
  describe(`launcher conformance: ${name}`, () => {
    it('runs a partitioned pipeline with the same digests as the inline launcher', { timeout }, async () => {
      const dir = await project(o);
      const inline = await runCli(o, dir, ['run', '--launcher', 'inline'], {});
      expect(inline.code).toBe(0);
      const expected = await outputsOf(o, dir);
      const remote = await runCli(o, dir, ['run', '--force', '--launcher', o.launcherName], {});
      expect(remote.stderr).toBe('');
      expect(remote.code).toBe(0);
      expect(remote.stdout).toMatch(/4 ran, 0 cached, 0 failed/);
      expect(await outputsOf(o, dir)).toEqual(expected);
      const logs = await runCli(o, dir, ['logs', 'latest', 'seed'], {});
      expect(logs.stdout).toContain('seed says hello');
      const show = JSON.parse((await runCli(o, dir, ['show', 'latest', '--json'], {})).stdout) as { actions: Array<{ id: string; metrics?: Record<string, number> }> };
      expect(show.actions.find((a) => a.id === 'scale[k=3]')?.metrics).toEqual({ k: 3 });
    });

    it('reports an error thrown in the worker with its message (exit 1)', { timeout }, async () => {
      const dir = await project(o);
      const r = await runCli(o, dir, ['run', '--launcher', o.launcherName], { AERO_CONFORMANCE_ACTIONS: 'fail' });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('Action `fail` threw: deliberate failure in the worker');
    });

    it('reports a worker that dies without a result', { timeout }, async () => {
      const dir = await project(o);
      const r = await runCli(o, dir, ['run', '--launcher', o.launcherName], { AERO_CONFORMANCE_ACTIONS: 'crash' });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/✗ failed\s+crash/);
    });

    it('cancels a running job on Ctrl-C (exit 130, run interrupted)', { timeout }, async () => {
      const dir = await project(o);
      let sent = false;
      const r = await runCli(o, dir, ['run', '--launcher', o.launcherName], { AERO_CONFORMANCE_ACTIONS: 'wait' }, (text, kill) => {
        if (!sent && text.includes('wait started')) {
          sent = true;
          kill('SIGINT');
        }
      });
      expect(sent).toBe(true);
      expect(r.code).toBe(130);
      const show = JSON.parse((await runCli(o, dir, ['show', 'latest', '--json'], {})).stdout) as { status: string };
      expect(show.status).toBe('interrupted');
    });
  });
}
