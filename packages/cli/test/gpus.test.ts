import { describe, expect, it } from 'vitest';
import { aero, makeProject, refused, statuses } from './helpers.js';

const files = {
  'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
const train = defineAction({ name: 'train', resources: { gpus: 2 }, outputs: { o: { handler: 'json' } }, async run({ gpus, outputs }) { await outputs.o.write(gpus); } });
export default defineConfig({ actions: [train], gpus: ['0'] });
`,
};

describe('aero run --gpus', () => {
  it('too few GPUs fails the dry run (exit 2) with a hint naming --gpus; --gpus supplies them', async () => {
    const dir = await makeProject('gpus', files);
    const dry = await aero(dir, 'run', '--dry-run');
    expect(dry.code).toBe(2);
    expect(dry.stderr).toBe(
      "[aero] PLAN_GPUS_UNAVAILABLE: Not enough GPUs: `train` needs 2, and this machine has 1 (0, from `gpus` in aero.config.ts). Nothing was run.\n  hint: Pass the devices with `aero run --gpus 0,1` (or a count: `--gpus 2`), set `gpus: ['0', '1']` in aero.config.ts, or lower `resources.gpus`.\n",
    );
    const run = await aero(dir, 'run', '--gpus', '4,5');
    expect(run.code).toBe(0);
    expect(statuses(run.stdout)).toEqual({ train: 'ran' });
    expect(await refused(dir, 'run', '--gpus', 'a b')).toContain('[aero] USAGE_INVALID: --gpus needs a count (`--gpus 2`) or device ids (`--gpus 0,3`), got `a b`.');
    expect(await refused(dir, 'run', '--gpus', '0,1,0')).toBe('[aero] USAGE_INVALID: --gpus lists device `0` more than once (`0,1,0`).\n  hint: List each device once, e.g. --gpus 0,1\n');
  });
});
