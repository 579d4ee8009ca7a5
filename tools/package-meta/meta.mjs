#!/usr/bin/env node
// One place that says what every published package.json carries, so the packages cannot
// drift apart: `--check` (part of `npm run lint`) lists every field that differs and
// exits 1; `--fix` writes the expected fields.
//   node tools/package-meta/meta.mjs --check | --fix
import { readFileSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicPackages } from './packages.mjs';
import { ESM_ONLY } from './esm-only.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPOSITORY = 'https://github.com/aeroml/aero';
const ENGINES = { node: '>=20.19' };
/**
 * The range plugins peer-depend on core with. All packages are released together (a
 * changesets `fixed` group), so the lower bound is the core they were released with. In
 * 0.x the upper bound is 1.0.0 rather than a caret: changesets bumps every peer dependent
 * a major when a release leaves its peer range, and `^0.1.0` is left by any 0.x minor.
 * `npm run version-packages` runs `--fix` after `changeset version` to move the bound.
 */
const coreVersion = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')).version;
const coreMajor = Number(coreVersion.split('.')[0]);
const CORE_RANGE = coreMajor === 0 ? `>=${coreVersion} <1.0.0` : `^${coreVersion}`;
const ZOD_RANGE = '^4.1.0';
/** publint for the manifest, attw for the types each condition resolves to. */
const lintFor = (pkg) => (ESM_ONLY.has(pkg.name) ? 'publint --strict && attw --pack . --profile esm-only' : 'publint --strict && attw --pack .');

/** The dual ESM/CommonJS entry points tsup writes for `src/<name>.ts`, with types per condition. */
function conditions(name) {
  return {
    import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
    require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
  };
}

/** The fields every public package must have, given its folder and current manifest. */
export function expectedFields(dir, pkg) {
  const rel = relative(root, dir).split('\\').join('/');
  const esmOnly = ESM_ONLY.has(pkg.name);
  const expected = {
    license: 'MIT',
    type: 'module',
    engines: ENGINES,
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: rel },
    homepage: `${REPOSITORY}/tree/main/${rel}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    exports: { '.': esmOnly ? conditions('index').import : conditions('index'), './package.json': './package.json' },
    main: esmOnly ? './dist/index.js' : './dist/index.cjs',
    module: './dist/index.js',
    types: esmOnly ? './dist/index.d.ts' : './dist/index.d.cts',
    publishConfig: { access: 'public' },
  };
  // The shared entries first, then whatever else the package ships (templates, scripts).
  const required = ['dist', ...(pkg.bin ? ['bin'] : []), 'README.md', 'CHANGELOG.md', 'LICENSE'];
  expected.files = [...required, ...(pkg.files ?? []).filter((f) => !required.includes(f))];
  const isCore = pkg.name === '@aeroml/core';
  if (isCore) expected.peerDependencies = { ...pkg.peerDependencies, zod: ZOD_RANGE };
  else if (pkg.name.startsWith('@aeroml/') && pkg.name !== '@aeroml/cli') {
    expected.peerDependencies = { ...pkg.peerDependencies, '@aeroml/core': CORE_RANGE };
  }
  return expected;
}

/** Human-readable differences between a manifest and what it must carry. */
export function problems(dir, pkg) {
  const out = [];
  const expected = expectedFields(dir, pkg);
  for (const [key, value] of Object.entries(expected)) {
    if (JSON.stringify(pkg[key]) !== JSON.stringify(value)) out.push(`${key}: expected ${JSON.stringify(value)}, found ${JSON.stringify(pkg[key])}`);
  }
  if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes('aero')) out.push('keywords: must be a list that includes "aero"');
  if (!pkg.description) out.push('description: missing');
  const lint = lintFor(pkg);
  if (pkg.scripts?.lint !== lint) out.push(`scripts.lint: expected ${JSON.stringify(lint)}, found ${JSON.stringify(pkg.scripts?.lint)}`);
  if (pkg.dependencies?.zod) out.push('dependencies.zod: zod must be a peer dependency (one zod instance shared with the user\'s schemas)');
  if (pkg.dependencies?.['@aeroml/core'] && pkg.name !== '@aeroml/cli') out.push('dependencies.@aeroml/core: plugins peer-depend on core');
  for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE']) if (!existsSync(join(dir, file))) out.push(`${file}: missing`);
  if (existsSync(join(dir, 'LICENSE')) && readFileSync(join(dir, 'LICENSE'), 'utf8') !== readFileSync(join(root, 'LICENSE'), 'utf8')) out.push('LICENSE: differs from the root LICENSE');
  return out;
}

const ORDER = ['name', 'version', 'description', 'keywords', 'license', 'homepage', 'bugs', 'repository', 'type', 'engines', 'bin', 'exports', 'main', 'module', 'types', 'files', 'sideEffects', 'scripts', 'dependencies', 'peerDependencies', 'peerDependenciesMeta', 'devDependencies', 'publishConfig'];

/** Keywords a registry search for an aero plugin finds: `aero-plugin`, its kind and its name. */
function keywordsFor(pkg) {
  const kinds = { store: 'aero-store', tracker: 'aero-tracker', handler: 'aero-handler', launcher: 'aero-launcher', config: 'aero-config' };
  const base = pkg.name.replace(/^@aeroml\//, '');
  const [kind, ...rest] = base.split('-');
  const extra = kinds[kind] ? ['aero-plugin', kinds[kind], rest.join('-')] : [];
  return [...new Set(['aero', 'machine-learning', 'pipeline', ...extra, ...(pkg.keywords ?? [])])];
}

function fix(dir, pkg) {
  const merged = { ...pkg, ...expectedFields(dir, pkg) };
  if (merged.dependencies?.zod) {
    const { zod: _zod, ...rest } = merged.dependencies;
    merged.dependencies = rest;
    merged.peerDependencies = { ...merged.peerDependencies, zod: ZOD_RANGE };
  }
  if (merged.dependencies && Object.keys(merged.dependencies).length === 0) delete merged.dependencies;
  merged.keywords = keywordsFor(merged);
  merged.scripts = { ...merged.scripts, lint: lintFor(merged) };
  const next = {};
  for (const key of ORDER) if (key in merged) next[key] = merged[key];
  for (const [key, value] of Object.entries(merged)) if (!(key in next)) next[key] = value;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(next, null, 2) + '\n');
  copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
}

const mode = process.argv[2];
if (mode !== '--check' && mode !== '--fix') {
  console.error('usage: node tools/package-meta/meta.mjs --check | --fix');
  process.exit(2);
}
let bad = 0;
for (const { dir, pkg } of publicPackages(root)) {
  if (mode === '--fix') fix(dir, pkg);
  const list = problems(dir, mode === '--fix' ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) : pkg);
  for (const p of list) console.error(`${pkg.name} (${relative(root, dir)}/package.json) ${p}`);
  bad += list.length;
}
if (bad) {
  console.error(`\n${bad} problem(s). Run: node tools/package-meta/meta.mjs --fix`);
  process.exit(1);
}
console.log(`package metadata ok (${publicPackages(root).length} public packages)`);
