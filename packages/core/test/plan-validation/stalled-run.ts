import type { Launcher } from '../../src/index.js';
import { createAero, defineAction, defineConfig, listRuns } from '../../src/index.js';
import { jsonHandler, memoryStore } from '../fixtures.js';

/**
 * Runs through the public API where no instance can ever get a launcher slot, and prints
 * one JSON line per run: how it ended. Before the stall guard (run/scheduler.ts) each run
 * printed nothing: the process ran out of work and exited 0 mid-run.
 */
export async function main(cwd: string): Promise<void> {
  const work = defineAction({ name: 'work', outputs: { o: { handler: 'json' } }, run: ({ outputs }) => outputs.o.write(1) });
  // A launcher that says it runs no job at once (a plugin's bug): a slot never frees.
  const capped: Launcher = {
    kind: 'launcher',
    name: 'capped',
    version: '0.0.0',
    maxConcurrency: 0,
    submit: (jobs) => jobs.map(() => Promise.reject(new Error('never submitted'))),
    cancel: async () => undefined,
  };
  const cases: Array<[string, Parameters<Awaited<ReturnType<typeof createAero>>['run']>[0]]> = [
    ['concurrency NaN passed to run()', { concurrency: Number.NaN }],
    ['a launcher with maxConcurrency 0', { launcher: 'capped' }],
  ];
  for (const [name, options] of cases) {
    const aero = await createAero({ cwd, config: defineConfig({ actions: [work], plugins: [memoryStore(), jsonHandler(), capped] }) });
    try {
      const summary = await aero.run(options);
      console.log(JSON.stringify({ case: name, status: summary.status }));
    } catch (error) {
      const e = error as { code?: string; message?: string; hint?: string };
      // The run's record says it failed (not `running`, which aero ps would call interrupted).
      const [latest] = await listRuns(aero);
      console.log(JSON.stringify({ case: name, code: e.code, message: e.message, hint: e.hint, record: latest?.status }));
    }
  }
}
