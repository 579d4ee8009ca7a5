import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, makeProject } from './helpers.js';

// `aero run --from RUN` replays RUN's params; on different code that is not RUN again.
describe('run --from RUN', () => {
  it('warns when the code of an action differs from that run, naming the action, the file and a command', async () => {
    const dir = await makeProject('from-drift', {
      'aero.config.ts': `import { defineConfig } from '@aeroml/core';
import { train } from './src/train.js';
export default defineConfig({ actions: [train], params: { train: { lr: 0.5 } } });
`,
      'src/train.ts': `import { defineAction } from '@aeroml/core';
import { z } from 'zod';
export const train = defineAction({
  name: 'train',
  params: z.object({ lr: z.number() }),
  outputs: { model: { handler: 'json' } },
  async run({ params, outputs }) {
    await outputs.model.write({ w: params.lr });
  },
});
`,
    });
    const first = await aero(dir, 'run', 'train.lr=0.1');
    expect(first.code).toBe(0);
    const runId = /\(run (\S+)\)/.exec(first.stdout)![1]!;

    const same = await aero(dir, 'run', '--from', runId, '--dry-run');
    expect(same.code).toBe(0);
    expect(same.stderr).toBe('');

    const file = join(dir, 'src/train.ts');
    await writeFile(file, (await readFile(file, 'utf8')).replace('w: params.lr', 'w: params.lr * 2'));
    const changed = await aero(dir, 'run', '--from', runId, '--dry-run');
    expect(changed.code).toBe(0);
    expect(changed.stderr).toBe(`[aero] warning: --from ${runId} replays that run's params on today's code, which differs for \`train\` (src/train.ts). To run it exactly as it was (its code, params and input versions): aero rerun ${runId}; to see what changed: aero why train\n`);
    const why = await aero(dir, 'why', 'train');
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('code changed');
  });
});
