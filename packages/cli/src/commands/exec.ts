import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import type { IO } from '../io.js';
import { embeddedDefaults } from '../project.js';

/** Worker side of every launcher: run one job spec, write result.json, exit 0/1. */
export default async function exec(args: ParsedArgs, io: IO): Promise<number> {
  const specPath = args.values.spec;
  if (typeof specPath !== 'string') throw new UsageError('`aero exec` needs --spec <job.json> (launchers call it; you rarely need to).');
  const { runWorker } = await import('@aeroml/core');
  const { readFile } = await import('node:fs/promises');
  let cwd = process.cwd();
  try {
    cwd = (JSON.parse(await readFile(specPath, 'utf8')) as { cwd?: string }).cwd ?? cwd;
  } catch {
    // runWorker reports the unreadable spec
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const result = await runWorker(specPath, { defaults: await embeddedDefaults(cwd), signal: controller.signal });
  // Under the process launcher (an IPC channel) the engine reports the failure itself, and
  // this line would reach the action's log and the run's output a second time. Containers
  // and Slurm jobs keep it: their own logs are read without aero.
  if (!result.ok && result.error && !process.send) io.err(`[aero] ${result.error.code}: ${result.error.message}${result.error.hint ? `\n  hint: ${result.error.hint}` : ''}`);
  if (process.connected) process.disconnect();
  return result.ok ? 0 : result.error?.code === 'INTERRUPTED' ? 130 : 1;
}
