import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, makeProject, statuses } from './helpers.js';

// The Python-step example is create-aeroml's python template (no copy under examples/).
describe('the python template (aero init --template python): a Python defineCommand step', () => {
  it('fills placeholders, forwards metrics from aero_metrics.py, caches on deps and params', async () => {
    const dir = await makeProject('python-command', {});
    const init = await aero(dir, 'init', '--template', 'python', '--no-install');
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    const first = await aero(dir, 'run');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(statuses(first.stdout)).toEqual({ points: 'ran', fit: 'ran' });
    expect(first.stdout).toMatch(/fit \| fit a=2\.\d+ b=1\.\d+/);
    const show = JSON.parse((await aero(dir, 'show', '--json')).stdout);
    const fit = show.actions.find((a: { id: string }) => a.id === 'fit');
    expect(fit.metrics.mse).toBeLessThan(0.05);
    const lines = (await readFile(join(dir, '.aero/runs', show.id, 'fit/metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(200);
    const again = await aero(dir, 'run', 'fit.lr=0.05');
    expect(statuses(again.stdout)).toEqual({ points: 'cached', fit: 'ran' });
    const edit = join(dir, 'aero_metrics.py');
    await import('node:fs/promises').then(async (fs) => fs.writeFile(edit, (await fs.readFile(edit, 'utf8')) + '\n# changed\n'));
    const dry = await aero(dir, 'run', 'fit.lr=0.05', '--dry-run');
    expect(dry.stdout).toContain('fit: code changed');
  });
});
