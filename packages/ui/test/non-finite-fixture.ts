import { aero, makeProject } from './fixture.js';

/**
 * A one-action project whose metric `nanm` is NaN, 1, +Infinity, 2, -Infinity at steps 0–4
 * (the last value non-finite too), beside a finite `fine`; run twice as a sweep so the sweep
 * page has a last value to show. Returns the project folder.
 */
export const NON_FINITE_PIPELINE = `import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';

const diverge = defineAction({
  name: 'diverge',
  params: z.object({ lr: z.number().default(1) }),
  outputs: { out: { handler: 'text' } },
  async run({ params, log, outputs }) {
    [Number.NaN, 1, Number.POSITIVE_INFINITY, 2, Number.NEGATIVE_INFINITY].forEach((v, step) => log.metric('nanm', v, step));
    log.metric('fine', params.lr, 0);
    await outputs.out.write('diverged\\n');
  },
});

export default defineConfig({ project: 'ui-non-finite', actions: [diverge] });
`;

export async function nonFiniteStore(name: string): Promise<string> {
  const dir = await makeProject(name, { 'aero.config.ts': NON_FINITE_PIPELINE });
  const sweep = await aero(dir, 'run', '-m', 'diverge.lr=1,2');
  if (sweep.code !== 0) throw new Error(`non-finite fixture sweep failed: ${sweep.stderr}`);
  return dir;
}
