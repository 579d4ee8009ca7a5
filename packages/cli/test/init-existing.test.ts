import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, makeProject, statuses } from './helpers.js';

// README: "In an existing project: npm install --save-dev @aeroml/cli @aeroml/core zod, then npx aero init".
describe('aero init in an existing project', () => {
  it('adds to the package.json `npm init -y` wrote (type commonjs), and the starter pipeline runs', async () => {
    const dir = await makeProject('init-existing', {});
    const npmInit = { name: 'existing', version: '1.0.0', main: 'index.js', scripts: { test: 'echo "Error: no test specified" && exit 1' }, keywords: [], author: '', license: 'ISC', type: 'commonjs', description: '' };
    await writeFile(join(dir, 'package.json'), `${JSON.stringify(npmInit, null, 2)}\n`);
    const init = await aero(dir, 'init', '--yes', '--no-install');
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    expect(init.stdout).toMatch(/^package\.json: added scripts\.\S+.*dependencies\.@aeroml\/core/m);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'existing', type: 'commonjs', scripts: { test: npmInit.scripts.test } });
    const run = await aero(dir, 'run');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(Object.values(statuses(run.stdout)).every((s) => s === 'ran')).toBe(true);
  });
});
