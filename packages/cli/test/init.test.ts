import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, makeProject, refused } from './helpers.js';

// `aero init` writes the create-aeroml templates into an existing folder. The folders live
// in packages/cli/.test-projects, so the scaffolded project resolves @aeroml/* from the repo.
describe('aero init', () => {
  it('scaffolds the ts template into an empty existing folder; the project runs', async () => {
    const dir = await makeProject('init', {});
    const r = await aero(dir, 'init', '--template', 'ts', '--no-install');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Created init-');
    expect(r.stdout).toContain('(ts) in .: .gitignore, aero.config.ts, package.json, README.md, src/evaluate.ts, src/fit.ts, src/generate.ts, tsconfig.json.');
    expect(r.stdout).toContain('Next:\n  npm install && npx aero run');
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toMatch(/^init-/);
    const run = await aero(dir, 'run');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/3 ran, 0 cached, 0 failed/);
  });

  it('adds files beside existing ones, and refuses (writing nothing) when any would be replaced', async () => {
    const beside = await makeProject('init', { 'notes.md': 'mine' });
    const ok = await aero(beside, 'init', '--template', 'python', '--no-install', '--name', 'lab');
    expect(ok.code).toBe(0);
    expect(await readFile(join(beside, 'notes.md'), 'utf8')).toBe('mine');
    expect(await readdir(beside)).toContain('fit.py');

    const dir = await makeProject('init', { 'package.json': '{"name":"mine"}\n', 'src/fit.ts': '// mine\n' });
    const r = await aero(dir, 'init', '--yes', '--no-install');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        // package.json would be added to (see init-existing.test.ts), src/fit.ts replaced.
        `[aero] [create-aeroml] CREATE_FILES_EXIST: ${dir} already has a file the template would write:`,
        '  - src/fit.ts',
        '  hint: Move or rename them, then run aero init again; nothing was written.',
        '',
      ].join('\n'),
    );
    expect((await readdir(dir)).sort()).toEqual(['package.json', 'src']);
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}\n');
  });

  it('checks its input: unknown template, missing choices without a terminal, contradictory flags', async () => {
    const dir = await makeProject('init', {});
    expect(await refused(dir, 'init', '--template', 'yml', '--yes')).toBe('[aero] [create-aeroml] CREATE_UNKNOWN_TEMPLATE: Unknown template `yml`. Did you mean `yaml`? Templates: ts, yaml, python, plugin.\n  hint: Pass one of them: --template ts\n');
    expect(await refused(dir, 'init', '--template', 'plugin')).toContain('CREATE_MISSING_CHOICES: No terminal to ask in, and these choices were not given:\n  - --plugin-kind handler|tracker|store|launcher\n  - --install or --no-install\n');
    expect(await refused(dir, 'init', '--install', '--no-install')).toContain('[aero] USAGE_INVALID: --install and --no-install contradict each other.');
    expect(await readdir(dir)).toEqual([]);
  });

  it('is listed in aero --help', async () => {
    const dir = await makeProject('init', {});
    const r = await aero(dir, '--help');
    expect(r.stdout).toMatch(/^ {2}init {7}Start an aero project in this folder/m);
    const sub = await aero(dir, 'init', '--help');
    expect(sub.stdout).toContain('Usage: aero init [--template ts|yaml|python|plugin]');
  });
});
