import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../src/config-file.js';
import { configCacheDir } from '../src/config-jiti.js';
import { resolveTsSibling, withTsSiblingImports } from '../src/ts-sibling-imports.js';

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aero-config-'));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), content);
  }
  return dir;
}

/** What a new process would see: jiti keeps evaluated modules in Node's require cache. */
function forgetModules(dir: string): void {
  const cache = createRequire(import.meta.url).cache;
  for (const key of Object.keys(cache)) if (key.startsWith(dir)) delete cache[key];
}

describe('resolveTsSibling', () => {
  it('maps ./x.js to x.ts (and .mjs/.cjs/.jsx to .mts/.cts/.tsx) when only the TypeScript file exists', async () => {
    const dir = await project({ 'a.ts': '', 'b.mts': '', 'c.cts': '', 'd.tsx': '', 'sub/e.ts': '', 'from.ts': '' });
    const from = join(dir, 'sub/from.ts');
    expect(resolveTsSibling(join(dir, 'from.ts'), './a.js')).toBe(join(dir, 'a.ts'));
    expect(resolveTsSibling(join(dir, 'from.ts'), './b.mjs')).toBe(join(dir, 'b.mts'));
    expect(resolveTsSibling(join(dir, 'from.ts'), './c.cjs')).toBe(join(dir, 'c.cts'));
    expect(resolveTsSibling(join(dir, 'from.ts'), './d.jsx')).toBe(join(dir, 'd.tsx'));
    expect(resolveTsSibling(from, './e.js')).toBe(join(dir, 'sub/e.ts'));
    expect(resolveTsSibling(from, '../a.js')).toBe(join(dir, 'a.ts'));
  });

  it('leaves everything else to jiti: an existing .js file, bare and absolute specifiers, missing files, non-strings', async () => {
    const dir = await project({ 'both.js': '', 'both.ts': '', 'from.ts': '' });
    const from = join(dir, 'from.ts');
    expect(resolveTsSibling(from, './both.js')).toBe('./both.js');
    expect(resolveTsSibling(from, './missing.js')).toBe('./missing.js');
    expect(resolveTsSibling(from, './both')).toBe('./both');
    expect(resolveTsSibling(from, 'zod')).toBe('zod');
    expect(resolveTsSibling(from, '@aeroml/core')).toBe('@aeroml/core');
    expect(resolveTsSibling(from, join(dir, 'both.js'))).toBe(join(dir, 'both.js'));
    expect(resolveTsSibling(from, 42)).toBe(42);
  });
});

describe('withTsSiblingImports', () => {
  it('adds its prologue after "use strict" without adding a line, and only to code that imports', () => {
    const code = '"use strict";Object.defineProperty(exports, "__esModule", { value: true });\nvar _a = await jitiImport("./a.js");\nthrow new Error("line 3");';
    const out = withTsSiblingImports(code);
    expect(out.startsWith('"use strict";var jitiImport = ')).toBe(true);
    expect(out.split('\n')).toHaveLength(3);
    expect(out.split('\n').slice(1)).toEqual(code.split('\n').slice(1));
    expect(withTsSiblingImports('"use strict";exports.n = 1;')).toBe('"use strict";exports.n = 1;');
  });
});

describe('configCacheDir', () => {
  it('is the nearest node_modules/.cache above the config, else the temp directory', async () => {
    const dir = await project({ 'node_modules/.keep': '', 'sub/deeper/aero.config.ts': '' });
    expect(configCacheDir(join(dir, 'sub/deeper/aero.config.ts'))).toBe(join(dir, 'node_modules/.cache/aero-config-1'));
    expect(configCacheDir(join(dir, 'aero.config.ts'))).toBe(join(dir, 'node_modules/.cache/aero-config-1'));
    expect(configCacheDir('/aero.config.ts')).toBe(join(tmpdir(), 'aero-config-1'));
  });
});

describe('loadConfigFile', () => {
  const config = (body: string) => `import { a } from './lib/a.js';\nimport { b } from './lib/nested/b.js';\nexport default { actions: [], params: { ${body} } };\n`;

  it('loads TypeScript modules imported as ./x.js, from nested folders and through ../', async () => {
    const dir = await project({
      'node_modules/.keep': '',
      'aero.config.ts': config('a, b'),
      'lib/a.ts': 'export const a: string = "a";\n',
      'lib/nested/b.ts': 'import { c } from "../c.mjs";\nexport const b: string = `b${c}`;\n',
      'lib/c.mts': 'export const c: number = 3;\n',
    });
    const loaded = await loadConfigFile(join(dir, 'aero.config.ts'));
    expect(loaded.params).toEqual({ a: 'a', b: 'b3' });
  });

  it('prefers an existing .js file over its .ts sibling, as jiti does', async () => {
    const dir = await project({
      'aero.config.ts': 'import { which } from "./which.js";\nexport default { actions: [], params: { which } };\n',
      'which.js': 'export const which = "js";\n',
      'which.ts': 'export const which: string = "ts";\n',
    });
    expect((await loadConfigFile(join(dir, 'aero.config.ts'))).params).toEqual({ which: 'js' });
  });

  it('caches transformed modules in node_modules/.cache and never serves an edited file stale', async () => {
    const dir = await project({ 'node_modules/.keep': '', 'aero.config.ts': config('a, b'), 'lib/a.ts': 'export const a: string = "a1";\n', 'lib/nested/b.ts': 'export const b = 1;\n' });
    expect((await loadConfigFile(join(dir, 'aero.config.ts'))).params).toEqual({ a: 'a1', b: 1 });
    const cacheDir = join(dir, 'node_modules/.cache/aero-config-1');
    const entries = await readdir(cacheDir);
    expect(entries).toHaveLength(3);
    for (const name of [/^lib-a\.\w+\.mjs$/, /^nested-b\.\w+\.mjs$/, /-aero\.config\.\w+\.mjs$/]) expect(entries.some((e) => name.test(e))).toBe(true);
    const cachedConfig = await readFile(join(cacheDir, entries.find((e) => e.includes('aero.config'))!), 'utf8');
    expect(cachedConfig).toContain('aero.config.resolveTsSibling');

    await writeFile(join(dir, 'lib/a.ts'), 'export const a: string = "a2";\n');
    await writeFile(join(dir, 'aero.config.ts'), config('a, b, edited: true'));
    forgetModules(dir);
    expect((await loadConfigFile(join(dir, 'aero.config.ts'))).params).toEqual({ a: 'a2', b: 1, edited: true });
  });

  it('reports a missing module and a syntax error as CONFIG_LOAD_FAILED naming the file', async () => {
    const missing = await project({ 'aero.config.ts': 'import { n } from "./src/missing.js";\nexport default { actions: [], params: { n } };\n' });
    await expect(loadConfigFile(join(missing, 'aero.config.ts'))).rejects.toMatchObject({
      code: 'CONFIG_LOAD_FAILED',
      message: expect.stringContaining("Cannot find module './src/missing.js'"),
      hint: 'Fix the error above in the config file or the modules it imports.',
    });
    const broken = await project({ 'aero.config.ts': 'import { n } from "./src/bad.js";\nexport default { actions: [], params: { n } };\n', 'src/bad.ts': 'export const n: number = ;\n' });
    await expect(loadConfigFile(join(broken, 'aero.config.ts'))).rejects.toMatchObject({
      code: 'CONFIG_LOAD_FAILED',
      message: expect.stringMatching(/ParseError: Unexpected token[\s\S]*src\/bad\.ts:1:25/),
    });
  });

  it('keeps source line numbers in errors thrown while a module loads', async () => {
    const dir = await project({
      'aero.config.ts': 'import { n } from "./src/throws.js";\nexport default { actions: [], params: { n } };\n',
      'src/throws.ts': '// one\n// two\nexport const n: number = (() => { throw new Error("boom"); })();\n',
    });
    const error = (await loadConfigFile(join(dir, 'aero.config.ts')).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: string; cause: Error } | undefined;
    expect(error?.code).toBe('CONFIG_LOAD_FAILED');
    expect(error?.cause.stack).toContain(`${join(dir, 'src/throws.ts')}:3:`);
  });
});

describe('createAero({ configFile })', () => {
  it('a config file that does not exist is CONFIG_NOT_FOUND naming it, not a load failure', async () => {
    const { createAero } = await import('../src/index.js');
    const dir = await project({ 'package.json': '{"type":"module"}' });
    await expect(createAero({ cwd: dir, configFile: 'nope.ts' })).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
      message: `No config file nope.ts in ${dir}.`,
      hint: 'Check the path given with --config (it is relative to the project folder).',
    });
  });
});
