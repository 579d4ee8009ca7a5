import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The versions generated projects depend on, read from this repository at build (and
 * test) time and embedded into dist/ as `__AERO_VERSIONS__`: every `@aeroml/*` package's
 * own version, and the ranges of zod, vitest, tsup, typescript and @types/node the
 * repository itself builds with. Packages are versioned independently by changesets, so
 * one version for all would drift; the map cannot.
 */
export function aeroVersions(): Record<string, string> {
  const repo = fileURLToPath(new URL('../../', import.meta.url));
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; private?: boolean; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  const versions: Record<string, string> = {};
  for (const group of ['packages', 'plugins']) {
    for (const entry of readdirSync(join(repo, group))) {
      const pkg = read(join(repo, group, entry, 'package.json'));
      if (!pkg.private) versions[pkg.name] = `^${pkg.version}`;
    }
  }
  const root = read(join(repo, 'package.json'));
  const core = read(join(repo, 'packages/core/package.json'));
  const pick = (name: string, from: Record<string, string> | undefined) => {
    const range = from?.[name];
    if (!range) throw new Error(`versions.config.ts: no range for ${name} in the repository's package.json files`);
    versions[name] = range;
  };
  pick('zod', { ...core.peerDependencies, ...core.dependencies });
  for (const name of ['vitest', 'tsup', 'typescript', '@types/node']) pick(name, root.devDependencies);
  return versions;
}
