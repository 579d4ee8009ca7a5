import { describe, expect, it } from 'vitest';
import { aero, makeProject } from './helpers.js';

// What a user sees when their action throws: the error, where in their code, and where
// the log is, with a command that prints it (the stack is in that log).
const files = {
  'aero.config.ts': `import { defineConfig } from '@aeroml/core';
import { boom } from './src/boom.js';
export default defineConfig({ actions: [boom] });
`,
  'src/boom.ts': `import { defineAction } from '@aeroml/core';
function explode(): never {
  throw new Error('kaboom');
}
export const boom = defineAction({
  name: 'boom',
  outputs: { o: { handler: 'json' } },
  async run() {
    explode();
  },
});
`,
};

describe('a failed action', () => {
  for (const launcher of ['inline', 'process']) {
    it(`shows the error, the first frame in user code and the log path (${launcher})`, async () => {
      const dir = await makeProject(`fail-${launcher}`, files);
      const r = await aero(dir, 'run', '--launcher', launcher);
      expect(r.code).toBe(1);
      const runId = /\(run (\S+)\)/.exec(r.stdout)![1]!;
      const block = r.stdout.slice(r.stdout.indexOf('✗ failed'));
      const lines = block.split('\n');
      expect(lines[1]).toBe('    ACTION_FAILED: Action `boom` threw: kaboom');
      expect(lines[2]).toBe('      at explode (src/boom.ts:3:9)');
      expect(lines[3]).toBe(`    hint: The log is .aero/runs/${runId}/boom/log.txt; print it with \`aero logs ${runId} boom\`.`);
      expect(r.stdout).not.toContain('at at');
      // Once: the worker does not print the error into the output as well.
      expect(r.stdout.split('kaboom').length - 1).toBe(1);

      const logs = await aero(dir, 'logs', runId, 'boom');
      expect(logs.code).toBe(0);
      expect(logs.stdout).toContain('[error] ACTION_FAILED: Action `boom` threw: kaboom\n[error]   at explode (src/boom.ts:3:9)\n[error] at explode (');
      expect(logs.stdout).toMatch(/\[error\] at Object\.run \(.*src\/boom\.ts:9:5\)/);
    });
  }
});
