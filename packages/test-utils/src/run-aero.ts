import { spawn } from 'node:child_process';

/** How one `aero` CLI process ended and what it printed. */
export interface AeroCliResult {
  /** Exit code, `null` when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunAeroOptions {
  /** Environment additions for the CLI process (over `process.env`, CI=true and NO_COLOR=1). */
  env?: Record<string, string>;
  /**
   * Called each time the CLI prints to stdout, with everything printed so far and a way
   * to signal the process (e.g. SIGINT once a line appeared, to test Ctrl-C).
   */
  onStdout?: (stdout: string, kill: (signal: NodeJS.Signals) => void) => void;
}

/**
 * The environment a test gives the CLI: plain, uncoloured output whatever the test
 * runner sets. `FORCE_COLOR` is dropped: runners such as Nx set it, and next to
 * `NO_COLOR` it makes Node print a warning on stderr.
 */
export function aeroCliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1', ...extra };
  delete env.FORCE_COLOR;
  return env;
}

/**
 * Runs `node <cli> ...args` in `cwd` (the `aero` CLI's bin.js, or any Node script) and
 * resolves when it exits, with its exit code and everything it printed.
 */
export function runAero(cli: string, cwd: string, args: string[], options: RunAeroOptions = {}): Promise<AeroCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: aeroCliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      options.onStdout?.(stdout, (signal) => child.kill(signal));
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The `[instance id, outputs]` pairs of the latest run in `cwd`, from `aero show latest
 * --json`: what two runs of one pipeline (e.g. with the inline launcher and another) must
 * agree on when they produced the same artifacts.
 */
export async function latestRunOutputs(cli: string, cwd: string, env: Record<string, string> = {}): Promise<Array<[string, unknown]>> {
  const show = await runAero(cli, cwd, ['show', 'latest', '--json'], { env });
  return (JSON.parse(show.stdout) as { actions: Array<{ id: string; outputs?: unknown }> }).actions.map((a) => [a.id, a.outputs]);
}
