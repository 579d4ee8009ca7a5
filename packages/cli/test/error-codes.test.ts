import { describe, expect, it } from 'vitest';
import { aero, makeProject } from './helpers.js';

// Every error the CLI prints shows its permanent code (docs/errors.md is found from it),
// and with --json every error is also an event that carries the code.
const broken = {
  'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';
const b = defineAction({ name: 'b', params: z.object({ lr: z.number().positive() }), outputs: { o: { handler: 'json' } }, async run({ outputs }) { await outputs.o.write(1); } });
export default defineConfig({ actions: [b], params: { b: { lr: -2 } } });
`,
};

describe('error codes in the CLI output', () => {
  it('a plan error prints its code, the code of each issue and the file a bad value came from', async () => {
    const dir = await makeProject('codes-plan', broken);
    const r = await aero(dir, 'run');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      '[aero] PLAN_INVALID_PARAMS: Param `b.lr` of `b`: Too small: expected number to be >0 (set in aero.config.ts).\n  hint: Fix it in the config or set it: aero run b.lr=<value>\n',
    );
    const cli = await aero(dir, 'run', 'b.lr=-3');
    expect(cli.stderr).toContain('Param `b.lr` of `b`: Too small: expected number to be >0 (set in <cli>).');
  });

  it('--json adds an error event with the code on stdout', async () => {
    const dir = await makeProject('codes-json', broken);
    const r = await aero(dir, 'run', '--json');
    expect(r.code).toBe(2);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.at(-1)).toEqual({
      type: 'error',
      code: 'PLAN_INVALID_PARAMS',
      message: 'Param `b.lr` of `b`: Too small: expected number to be >0 (set in aero.config.ts).',
      hint: 'Fix it in the config or set it: aero run b.lr=<value>',
    });
    const usage = await aero(dir, 'run', '--json', '--fast');
    expect(JSON.parse(usage.stdout.trim())).toMatchObject({ type: 'error', code: 'USAGE_INVALID' });
  });

  it('a failed action carries its code in the action:end event and in the printed line', async () => {
    const dir = await makeProject('codes-action', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
const a = defineAction({ name: 'a', outputs: { o: { handler: 'json' } }, async run() {} });
export default defineConfig({ actions: [a] });
`,
    });
    const json = await aero(dir, 'run', '--json');
    const end = json.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'action:end');
    expect(end.error.code).toBe('ACTION_OUTPUT_MISSING');
    const text = await aero(dir, 'run');
    expect(text.stdout).toContain('    ACTION_OUTPUT_MISSING: Action `a` finished without writing output `o`.\n');
  });
});
