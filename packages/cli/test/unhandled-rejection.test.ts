import { describe, expect, it } from 'vitest';
import { aero, makeProject, statuses } from './helpers.js';

describe('an inline action that leaves a rejected promise unhandled', () => {
  it('stops the run cleanly with ACTION_UNHANDLED_REJECTION (not a raw Node crash); what finished stays cached', async () => {
    const dir = await makeProject('unhandled-rejection', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
const first = defineAction({ name: 'first', outputs: { o: { handler: 'json' } }, async run({ outputs }) { await outputs.o.write(1); } });
const sloppy = defineAction({
  name: 'sloppy',
  inputs: { o: first.output('o') },
  outputs: { o: { handler: 'json' } },
  async run({ signal, outputs }) {
    Promise.reject(new Error('the upload failed'));
    // Until the run is stopped because of it.
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    await outputs.o.write(2);
  },
});
export default defineConfig({ actions: [first, sloppy] });
`,
    });
    const r = await aero(dir, 'run');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[aero] A promise rejected and nothing handled it: stopping the run (what finished is recorded).');
    expect(r.stderr).toMatch(/\[aero\] ACTION_UNHANDLED_REJECTION: A promise rejected and nothing handled it: the upload failed \(at \S+aero\.config\.ts:\d+:\d+\)\. The run was stopped\.\n {2}hint: Await every promise in run\(\) \(or give it a \.catch\); run again: what finished is cached\.\n/);
    expect(r.stderr).not.toContain('Node.js v');
    const show = JSON.parse((await aero(dir, 'show', '--json')).stdout);
    expect(show.status).toBe('interrupted');
    const again = await aero(dir, 'run', '--dry-run');
    expect(statuses(again.stdout)).toMatchObject({ first: 'cached' });
  });
});
