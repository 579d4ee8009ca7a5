import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scaffold } from '../src/index.js';
import { create, packTarballs, tempDir, withDependencies } from './helpers.js';

async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await tree(join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));
const PLUGIN_BASE = ['.gitignore', 'CHANGELOG.md', 'README.md', 'package.json', 'src/errors.ts', 'src/index.ts', 'test/conformance.test.ts', 'tsconfig.json', 'tsup.config.ts', 'vitest.config.ts'];

describe('templates', () => {
  const cases: Array<{ argv: string[]; files: string[]; deps: string[]; devDeps: string[]; contains: [string, string] }> = [
    {
      argv: ['--template', 'ts'],
      files: ['.gitignore', 'README.md', 'aero.config.ts', 'package.json', 'src/evaluate.ts', 'src/fit.ts', 'src/generate.ts', 'tsconfig.json'],
      deps: ['@aeroml/cli', '@aeroml/core', 'zod'],
      devDeps: ['@types/node', 'typescript'],
      contains: ['aero.config.ts', "project: 'demo'"],
    },
    {
      argv: ['--template', 'yaml'],
      files: ['.gitignore', 'README.md', 'aero.config.ts', 'conf/config.yaml', 'conf/data/clean.yaml', 'conf/data/noisy.yaml', 'conf/model/default.yaml', 'package.json', 'src/evaluate.ts', 'src/fit.ts', 'src/generate.ts', 'tsconfig.json'],
      deps: ['@aeroml/cli', '@aeroml/config-yaml', '@aeroml/core', 'zod'],
      devDeps: ['@types/node', 'typescript'],
      contains: ['aero.config.ts', "plugins: [yamlConfig({ dir: 'conf' })]"],
    },
    {
      argv: ['--template', 'python'],
      files: ['.gitignore', 'README.md', 'aero.config.ts', 'aero_metrics.py', 'fit.py', 'package.json', 'tsconfig.json'],
      deps: ['@aeroml/cli', '@aeroml/core', 'zod'],
      devDeps: ['@types/node', 'typescript'],
      contains: ['aero.config.ts', "cmd: ['python3', 'fit.py'"],
    },
    ...(['handler', 'tracker', 'store'] as const).map((kind) => ({
      argv: ['--template', 'plugin', '--plugin-kind', kind],
      files: PLUGIN_BASE,
      deps: ['zod'],
      devDeps: ['@aeroml/core', '@aeroml/test-utils', '@types/node', 'tsup', 'typescript', 'vitest'],
      contains: ['test/conformance.test.ts', `import { describe${kind[0]!.toUpperCase()}${kind.slice(1)} } from '@aeroml/test-utils';`] as [string, string],
    })),
    {
      argv: ['--template', 'plugin', '--plugin-kind', 'launcher'],
      files: PLUGIN_BASE,
      deps: ['zod'],
      devDeps: ['@aeroml/cli', '@aeroml/core', '@aeroml/test-utils', '@types/node', 'tsup', 'typescript', 'vitest'],
      contains: ['test/conformance.test.ts', "import { describeLauncher } from '@aeroml/test-utils';"],
    },
  ];

  for (const c of cases) {
    it(`${c.argv.join(' ')} renders its files with published package names only`, async () => {
      const cwd = await tempDir('render');
      const r = await create(cwd, 'demo', ...c.argv, '--no-install');
      expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
      const dir = join(cwd, 'demo');
      expect(await tree(dir)).toEqual(c.files);
      const pkg = await readJson(join(dir, 'package.json'));
      expect(pkg.name).toBe('demo');
      expect(Object.keys(pkg.dependencies)).toEqual(c.deps);
      expect(Object.keys(pkg.devDependencies)).toEqual(c.devDeps);
      for (const spec of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)] as string[]) expect(spec).toMatch(/^[~^]\d+\.\d+\.\d+$/);
      expect(pkg.overrides).toBeUndefined();
      expect(await readFile(join(dir, c.contains[0]), 'utf8')).toContain(c.contains[1]);
      // No placeholder left, no path out of the project, no monorepo import.
      for (const file of c.files) {
        const text = await readFile(join(dir, file), 'utf8');
        expect({ file, placeholder: /\{\{\w+\}\}/.test(text), outside: /['"]\.\.\/\.\.\//.test(text) }).toEqual({ file, placeholder: false, outside: false });
      }
      if (c.argv.includes('plugin')) {
        expect(pkg.peerDependencies).toEqual({ '@aeroml/core': pkg.devDependencies['@aeroml/core'] });
        expect(pkg.scripts).toEqual({ build: 'tsup', typecheck: 'tsc --noEmit -p tsconfig.json', pretest: 'tsup', test: 'vitest run' });
        expect(await readFile(join(dir, 'src/errors.ts'), 'utf8')).toContain("export const PLUGIN = 'demo';");
      } else {
        expect(pkg.private).toBe(true);
        expect(pkg.scripts.start).toBe('aero run');
      }
      expect(r.out).toContain(`Next:\n  cd demo && npm install && ${c.argv.includes('plugin') ? 'npm test' : 'npx aero run'}`);
    });
  }

  it('--name sets the package name; --yes without a folder takes the defaults', async () => {
    const cwd = await tempDir('render');
    const r = await create(cwd, '--yes', '--no-install', '--name', '@lab/pipeline');
    expect(r.code).toBe(0);
    const pkg = await readJson(join(cwd, 'my-pipeline', 'package.json'));
    expect(pkg.name).toBe('@lab/pipeline');
    expect(await readFile(join(cwd, 'my-pipeline', 'aero.config.ts'), 'utf8')).toContain("project: 'pipeline'");
    const plugin = await create(cwd, '--yes', '--no-install', '--plugin-kind', 'tracker');
    expect(plugin.code).toBe(0);
    expect((await readJson(join(cwd, 'aero-tracker-plugin', 'package.json'))).name).toBe('aero-tracker-plugin');
  });
});

describe('target folder', () => {
  it('refuses a folder that is not empty and writes nothing', async () => {
    const cwd = await tempDir('target');
    await mkdir(join(cwd, 'app'));
    await writeFile(join(cwd, 'app', 'notes.txt'), 'mine');
    const r = await create(cwd, 'app', '--yes', '--no-install');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `[create-aeroml] CREATE_TARGET_NOT_EMPTY: ${join(cwd, 'app')} is not empty (notes.txt); create-aeroml only writes into a new or empty folder.\n  hint: Pick a new folder name, or run \`aero init\` inside an existing project folder to add only files it does not have.\n`,
    );
    expect(await readdir(join(cwd, 'app'))).toEqual(['notes.txt']);
  });

  it('accepts an empty folder and one holding only .git', async () => {
    const cwd = await tempDir('target');
    await mkdir(join(cwd, 'app', '.git'), { recursive: true });
    const r = await create(cwd, 'app', '--yes', '--no-install');
    expect(r.code).toBe(0);
    expect(await readdir(join(cwd, 'app'))).toContain('aero.config.ts');
  });

  it("target 'existing' adds files beside others but lists every clash and writes nothing", async () => {
    const dir = await tempDir('existing');
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const ok = await scaffold({ dir, template: 'python', name: 'lab', target: 'existing' });
    expect(ok.files).toContain('fit.py');
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    const again = await tempDir('existing');
    await writeFile(join(again, 'package.json'), '{}');
    await mkdir(join(again, 'src'));
    await writeFile(join(again, 'src', 'fit.ts'), '// mine');
    await expect(scaffold({ dir: again, template: 'ts', name: 'lab', target: 'existing' })).rejects.toMatchObject({
      code: 'CREATE_FILES_EXIST',
      message: `${again} already has a file the template would write:\n  - src/fit.ts`,
      hint: 'Move or rename them, then run aero init again; nothing was written.',
    });
    expect((await readdir(again)).sort()).toEqual(['package.json', 'src']);
    expect(await readFile(join(again, 'package.json'), 'utf8')).toBe('{}');
  });
});

describe("aero init in a project with a package.json (npm init -y, then aero init)", () => {
  it('adds the scripts and dependencies it lacks and changes nothing it has', async () => {
    const dir = await tempDir('merge');
    const mine = { name: 'mine', version: '1.0.0', type: 'commonjs', scripts: { test: 'node test.js' }, dependencies: { zod: '^3.0.0' }, license: 'ISC' };
    await writeFile(join(dir, 'package.json'), JSON.stringify(mine, null, 2));
    const result = await scaffold({ dir, template: 'ts', name: 'lab', target: 'existing' });
    expect(result.files).not.toContain('package.json');
    expect(result.files).toContain('aero.config.ts');
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    // Everything it had, as it was; `type` too.
    expect(pkg).toMatchObject({ name: 'mine', version: '1.0.0', type: 'commonjs', license: 'ISC', scripts: { test: 'node test.js' }, dependencies: { zod: '^3.0.0' } });
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['@aeroml/core', 'zod']));
    expect(result.packageJson!.added).toContain('dependencies.@aeroml/core');
    expect(result.packageJson!.kept).toEqual(['dependencies.zod']);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a package.json that is not a JSON object, writing nothing', async () => {
    const dir = await tempDir('merge-bad');
    await writeFile(join(dir, 'package.json'), '{ "name": ');
    await expect(scaffold({ dir, template: 'ts', name: 'lab', target: 'existing' })).rejects.toMatchObject({ code: 'CREATE_FILES_EXIST', hint: 'Fix package.json (npm pkg get name reads it when it is valid), then run aero init again; nothing was written.' });
    await expect(scaffold({ dir, template: 'ts', name: 'lab', target: 'existing' })).rejects.toThrow(`${join(dir, 'package.json')} is not valid JSON (`);
    await writeFile(join(dir, 'package.json'), '{ "scripts": [] }');
    await expect(scaffold({ dir, template: 'ts', name: 'lab', target: 'existing' })).rejects.toThrow(`${join(dir, 'package.json')} has \`scripts\` that is not an object, so the template's scripts cannot be added to it.`);
    expect((await readdir(dir)).sort()).toEqual(['package.json']);
  });
});

describe('--from-tarballs', () => {
  let tarballs = '';
  beforeAll(async () => {
    tarballs = await packTarballs(['@aeroml/core', '@aeroml/cli', '@aeroml/store-local', '@aeroml/tracker-file', '@aeroml/handler-text', '@aeroml/test-utils']);
  });

  it('points every @aeroml/* dependency, direct or transitive, at its tarball', async () => {
    const cwd = await tempDir('tgz');
    const r = await create(cwd, 'app', '--template', 'ts', '--from-tarballs', tarballs, '--no-install');
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    const pkg = await readJson(join(cwd, 'app', 'package.json'));
    // npm pack names them aeroml-<name>-<version>.tgz.
    const packed = await readdir(tarballs);
    const tgz = (name: string) => {
      const prefix = `${name.slice(1).replace('/', '-')}-`;
      return `file:${join(tarballs, packed.find((f) => f.startsWith(prefix) && /^\d/.test(f.slice(prefix.length)))!)}`;
    };
    expect(pkg.dependencies).toEqual({ '@aeroml/cli': tgz('@aeroml/cli'), '@aeroml/core': tgz('@aeroml/core'), zod: expect.stringMatching(/^\^4\./) });
    // The CLI's own dependencies resolve to the tarballs too.
    const closure = (await withDependencies(['@aeroml/cli', '@aeroml/core'])).sort();
    expect(closure).toEqual(expect.arrayContaining(['@aeroml/store-local', '@aeroml/tracker-file', 'create-aeroml']));
    expect(pkg.overrides).toEqual(Object.fromEntries(closure.map((n) => [n, n === 'create-aeroml' ? `file:${join(tarballs, packed.find((f) => /^create-aeroml-\d/.test(f))!)}` : tgz(n)])));
    const plugin = await create(cwd, 'plug', '--template', 'plugin', '--plugin-kind', 'handler', '--from-tarballs', tarballs, '--no-install');
    expect(plugin.code).toBe(0);
    const ppkg = await readJson(join(cwd, 'plug', 'package.json'));
    expect(ppkg.devDependencies['@aeroml/test-utils']).toBe(tgz('@aeroml/test-utils'));
    expect(ppkg.peerDependencies['@aeroml/core']).toMatch(/^\^\d/); // what it publishes: a range
    expect(Object.keys(ppkg.overrides)).toEqual(['@aeroml/core', '@aeroml/test-utils']);
  });

  it('names the missing tarball and who needs it; a missing folder is an error too', async () => {
    const cwd = await tempDir('tgz');
    const r = await create(cwd, 'app', '--template', 'yaml', '--from-tarballs', tarballs, '--no-install');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `[create-aeroml] CREATE_TARBALL_MISSING: --from-tarballs ${tarballs} has no tarball for:\n  - @aeroml/config-yaml (needed by the new project)\n  hint: From the aero repository, after npm run build: npm pack --pack-destination ${tarballs} -w @aeroml/config-yaml\n`,
    );
    expect(await readdir(cwd)).toEqual([]);
    const none = await create(cwd, 'app', '--yes', '--from-tarballs', join(cwd, 'nope'));
    expect(none.code).toBe(2);
    expect(none.err).toContain(`CREATE_TARBALLS_NOT_FOUND: --from-tarballs ${join(cwd, 'nope')}: no such folder.`);
  });
});
