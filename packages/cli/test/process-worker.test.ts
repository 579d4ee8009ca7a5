import { describe, expect, it } from 'vitest';
import { aero, makeProject, statuses } from './helpers.js';

// The process launcher's workers (`aero exec`) against a YAML config: they must compose
// the same config as the run, and each log line must reach the log once.
const files = {
  'aero.config.ts': `import { yamlConfig } from '@aeroml/config-yaml';
import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';
const hello = defineAction({
  name: 'hello',
  params: z.object({ seed: z.number().int() }),
  outputs: { out: { handler: 'json' } },
  async run({ params, outputs, log }) {
    log.info('seed is ' + params.seed);
    console.log('printed by the action');
    await outputs.out.write({ seed: params.seed });
  },
});
export default defineConfig({ actions: [hello], plugins: [yamlConfig({ dir: 'conf' })] });
`,
  'conf/config.yaml': 'seed: ???\nhello:\n  seed: ${seed}\n',
};

describe('process launcher workers', () => {
  it('apply the run\'s overrides, so a `???` filled on the command line loads in the worker', async () => {
    const dir = await makeProject('proc-overrides', files);
    const r = await aero(dir, 'run', 'seed=4', '--launcher', 'process');
    expect(r.stderr).toBe('');
    expect(statuses(r.stdout)).toEqual({ hello: 'ran' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  hello | seed is 4\n');
  });

  it('print every log line once', async () => {
    const dir = await makeProject('proc-log-once', files);
    const r = await aero(dir, 'run', 'seed=5', '--launcher', 'process');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('  hello | '));
    expect(lines).toEqual(['  hello | seed is 5', '  hello | printed by the action']);
  });
});
