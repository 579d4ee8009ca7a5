import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Jiti, JitiOptions, TransformOptions, TransformResult } from 'jiti';
import { installTsSiblingResolver, withTsSiblingImports } from './ts-sibling-imports.js';

type CreateJiti = (id: string, options?: JitiOptions) => Jiti;

/**
 * jiti through `require`, not `import`: its entry is a 190 KB CommonJS bundle, and an ESM
 * import of CommonJS first scans the whole file for its export names (~30 ms of CPU on
 * every config load). Loaded on first use so commands that need no config never pay.
 */
let createJitiOnce: CreateJiti | undefined;
function loadCreateJiti(): CreateJiti {
  createJitiOnce ??= (createRequire(import.meta.url)('jiti') as { createJiti: CreateJiti }).createJiti;
  return createJitiOnce;
}

/**
 * Our own directory, not jiti's `node_modules/.cache/jiti`: entries here carry the
 * resolver prologue, and jiti keys entries by path and source only, so a plain jiti
 * sharing the directory would read them. Bump the suffix when the prologue changes.
 */
const CACHE_NAME = 'aero-config-1';

/**
 * The nearest `node_modules/.cache/<name>` above the config (where build tools keep
 * caches; a monorepo subproject shares the root's), else the system temp directory.
 * jiti names each entry after the file's path and checks a hash of its source, so an
 * edited config or module is transformed again, never served stale.
 */
export function configCacheDir(configFile: string): string {
  let dir = dirname(configFile);
  for (;;) {
    const modules = join(dir, 'node_modules');
    if (statSync(modules, { throwIfNoEntry: false })?.isDirectory()) return join(modules, '.cache', CACHE_NAME);
    const parent = dirname(dir);
    if (parent === dir) return join(tmpdir(), CACHE_NAME);
    dir = parent;
  }
}

/**
 * jiti's TypeScript transform (Babel, loaded only on a cache miss) plus the prologue that
 * resolves `./x.js` imports to `./x.ts` quickly. The plain instance exists only to reach
 * jiti's default transform through its public API.
 */
function transformWithTsSiblings(createJiti: CreateJiti): (options: TransformOptions) => TransformResult {
  let plain: Jiti | undefined;
  return (options) => {
    plain ??= createJiti(options.filename ?? process.cwd(), { fsCache: false, moduleCache: false });
    const code = plain.transform(options);
    return { code: options.async ? withTsSiblingImports(code) : code };
  };
}

/** The jiti instance that imports `aero.config.ts` and everything it imports. */
export function createConfigJiti(configFile: string): Jiti {
  const createJiti = loadCreateJiti();
  installTsSiblingResolver();
  return createJiti(configFile, {
    interopDefault: true,
    moduleCache: true,
    fsCache: configCacheDir(configFile),
    transform: transformWithTsSiblings(createJiti),
  });
}
