import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, makeProject, startAero, statuses, waitFor } from './helpers.js';

/** fast → slow: slow writes 1 MiB into its work dir, then waits for a marker file. */
const PIPELINE = `import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineAction, defineConfig } from '@aeroml/core';
const fast = defineAction({ name: 'fast', outputs: { o: { handler: 'text' } }, async run({ outputs }) { await outputs.o.write('fast'); } });
const slow = defineAction({
  name: 'slow', inputs: { i: fast.output('o') }, outputs: { o: { handler: 'text' } },
  async run({ inputs, outputs, cwd, workDir, log }) {
    writeFileSync(join(workDir, 'partial.bin'), Buffer.alloc(1 << 20));
    log.info('slow started');
    while (!existsSync(join(cwd, 'go'))) await new Promise((r) => setTimeout(r, 20));
    await outputs.o.write((await inputs.i.read()) + '+slow');
  },
});
export default defineConfig({ actions: [fast, slow] });
`;

describe('a run killed with -9 leaves no work folder behind for good', () => {
  it('aero gc --dry-run names it; the next run removes it (and never a live run’s)', async () => {
    const dir = await makeProject('scratch-kill', { 'aero.config.ts': PIPELINE });
    const run = startAero(dir, ['run']);
    await waitFor(() => run.output().includes('slow | slow started'), 'the slow action to start');
    const [killedId] = await readdir(join(dir, '.aero/runs'));
    const scratch = join(dir, '.aero/runs', killedId!, '.scratch');
    expect(existsSync(scratch)).toBe(true);

    // While it is alive, gc refuses and nothing is removed.
    const busy = await aero(dir, 'gc', '--dry-run');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('A run is in progress; gc would race with it.');
    expect(existsSync(scratch)).toBe(true);

    run.child.kill('SIGKILL');
    await run.result;
    expect(existsSync(scratch)).toBe(true);
    const dry = await aero(dir, 'gc', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`  work folder of killed run ${killedId} (runs/${killedId}/.scratch)`);
    expect(existsSync(scratch)).toBe(true);

    await writeFile(join(dir, 'go'), '');
    const next = await aero(dir, 'run');
    expect(next.code).toBe(0);
    expect(statuses(next.stdout)).toEqual({ fast: 'cached', slow: 'ran' });
    expect(existsSync(scratch)).toBe(false);
  });
});
