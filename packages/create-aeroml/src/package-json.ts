import type { Tarball } from './tarballs.js';
import { packagePlan, type PluginKind, type TemplateId } from './templates.js';
import { rangeOf } from './versions.js';

export interface PackageJsonInput {
  name: string;
  template: TemplateId;
  pluginKind?: PluginKind | undefined;
  /** From resolveTarballs: `@aeroml/*` packages then point at these files. */
  tarballs?: Map<string, Tarball> | undefined;
}

/** The generated project's package.json, as an object in the order npm writes it. */
export function projectPackageJson(input: PackageJsonInput): Record<string, unknown> {
  const plan = packagePlan(input.template, input.pluginKind);
  const spec = (name: string) => {
    const tarball = input.tarballs?.get(name);
    return tarball ? `file:${tarball.file}` : rangeOf(name);
  };
  const map = (names: string[]) => Object.fromEntries([...names].sort().map((n) => [n, spec(n)]));
  const plugin = input.template === 'plugin';
  const pkg: Record<string, unknown> = {
    name: input.name,
    version: '0.1.0',
    ...(plugin ? {} : { private: true }),
    ...(plugin ? { description: `An aero ${input.pluginKind} plugin`, license: 'MIT' } : {}),
    type: 'module',
    engines: { node: '>=20.19' },
    ...(plugin
      ? {
          exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
          main: './dist/index.js',
          types: './dist/index.d.ts',
          files: ['dist', 'README.md'],
          keywords: ['aero', `aero-${input.pluginKind}`],
        }
      : {}),
    scripts: plan.scripts,
    ...(plan.dependencies.length ? { dependencies: map(plan.dependencies) } : {}),
    // A published plugin asks for a range of the core; only its own tests pin a tarball.
    ...(plan.peerDependencies.length ? { peerDependencies: Object.fromEntries(plan.peerDependencies.map((n) => [n, rangeOf(n)])) } : {}),
    ...(plan.devDependencies.length ? { devDependencies: map(plan.devDependencies) } : {}),
  };
  // Tarballs' own `@aeroml/*` dependencies (the CLI's store-local, tracker-file…) would
  // otherwise come from the registry; overrides send every one of them to its tarball.
  if (input.tarballs?.size) pkg.overrides = Object.fromEntries([...input.tarballs.values()].sort((a, b) => a.name.localeCompare(b.name)).map((t) => [t.name, `file:${t.file}`]));
  return pkg;
}

/** Every package name the project lists itself (what tarballs must cover). */
export function directPackages(template: TemplateId, pluginKind?: PluginKind): string[] {
  const plan = packagePlan(template, pluginKind);
  return [...new Set([...plan.dependencies, ...plan.devDependencies, ...plan.peerDependencies])];
}
