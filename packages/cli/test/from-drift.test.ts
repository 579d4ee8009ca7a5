import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, makeProject } from './helpers.js';

// `aero run --from RUN` replays RUN's overrides; on different code or config that is not RUN again.
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
    expect(changed.stderr).toBe(`[aero] warning: --from ${runId} replays that run's overrides on today's code, which differs for \`train\` (src/train.ts). To run it exactly as it was (its code, params and input versions): aero rerun ${runId}; to see what changed: aero why train\n`);
    const why = await aero(dir, 'why', 'train');
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('code changed');
  });
  it('warns when today\'s config resolves other params than the run recorded, with overrides that set them back', async () => {
    const config = (lr: number, name: string) => `import { defineConfig } from '@aeroml/core';
import { train } from './src/train.js';
export default defineConfig({ actions: [train], params: { train: { lr: ${lr}, name: '${name}', epochs: 3 } } });
`;
    const dir = await makeProject('from-params', {
      'aero.config.ts': config(0.5, 'base run'),
      'src/train.ts': `import { defineAction } from '@aeroml/core';
import { z } from 'zod';
export const train = defineAction({
  name: 'train',
  params: z.object({ lr: z.number(), name: z.string(), epochs: z.number() }),
  outputs: { model: { handler: 'json' } },
  async run({ params, outputs }) {
    await outputs.model.write(params);
  },
});
`,
    });
    const first = await aero(dir, 'run', 'train.epochs=4');
    const runId = /\(run (\S+)\)/.exec(first.stdout)![1]!;
    await writeFile(join(dir, 'aero.config.ts'), config(0.25, 'other'));
    const changed = await aero(dir, 'run', '--from', runId, 'train.name=mine', '--dry-run');
    expect(changed.code).toBe(0);
    // train.name is set on the command line: not a difference to warn about.
    expect(changed.stderr).toBe(`[aero] warning: --from ${runId} replays that run's overrides, but today's config resolves other params than it recorded: train.lr 0.5 → 0.25. To run with that run's params, set them: aero run --from ${runId} train.name=mine train.lr=0.5; to run it exactly as it was (its code and config): aero rerun ${runId}\n`);
    const given = await aero(dir, 'run', '--from', runId, 'train.name=mine', 'train.lr=0.5', '--dry-run');
    expect(given.code).toBe(0);
    expect(given.stderr).toBe('');
    // With the recorded params set back, the one output is the first run's: cached.
    await writeFile(join(dir, 'aero.config.ts'), config(0.25, 'base run'));
    const restored = await aero(dir, 'run', '--from', runId, 'train.lr=0.5');
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toContain('0 ran, 1 cached');
  });
});
