import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs plan-validation/stalled-run.ts in a node process of its own; its JSON lines and exit status. */
async function stalledRuns(): Promise<{ code: number | null; lines: Array<Record<string, string>> }> {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-stall-'));
  const child = spawn(process.execPath, [join(__dirname, 'plan-validation', 'stall.mjs'), cwd], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));
  return { code, lines: out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>) };
}

describe('a run whose instances can never get a launcher slot fails (RUN_STALLED), through createAero + run()', () => {
  // In a vitest worker the event loop never empties, so the run goes to a process of its own.
  it('instead of ending the process silently, exit status 0, mid-run', { timeout: 60_000 }, async () => {
    const { code, lines } = await stalledRuns();
    const message = 'The run stalled with 1 of 1 instances unfinished: `work` waits for a launcher slot, GPUs or a job result that nothing left in the process can bring.';
    const hint = 'Check that `-j` / `concurrency` and the `maxConcurrency` of the launcher are whole numbers of at least 1, and the `resources.cpus` / `resources.gpus` of those actions (a launcher plugin whose jobs never end is a bug of that plugin); then run again: what finished is cached.';
    expect(lines).toEqual([
      { case: 'concurrency NaN passed to run()', code: 'RUN_STALLED', message, hint, record: 'failed' },
      { case: 'a launcher with maxConcurrency 0', code: 'RUN_STALLED', message, hint, record: 'failed' },
    ]);
    expect(code).toBe(0);
  });
});
