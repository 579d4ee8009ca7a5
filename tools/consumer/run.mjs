#!/usr/bin/env node
// The consumer test: what a user gets from the registry, tried outside this repository.
// Packs every public package with `npm pack`, installs only those tarballs (plus zod and
// typescript) into a fresh project in the system temp directory, and checks that
//   1. the CLI runs a pipeline that uses a plugin, and a rerun is served from the cache;
//   2. `import` and `require` of every package work and export what they declare;
//   3. `tsc --noEmit` (strict, skipLibCheck: false) accepts imports of every package, from
//      an ES module and from a CommonJS module;
//   4. the packed `create-aeroml` scaffolds a project whose pipeline runs.
// Run after `npm run build`:  node tools/consumer/run.mjs [--keep]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync, existsSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicPackages } from '../package-meta/packages.mjs';
import { ESM_ONLY } from '../package-meta/esm-only.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const keep = process.argv.includes('--keep');
const work = realpathSync(mkdtempSync(join(tmpdir(), 'aero-consumer-')));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);

let step = 0;
function log(message) {
  console.log(`[consumer] ${++step}. ${message}`);
}
/** Runs a command with its output shown; a non-zero exit fails the whole test with the command named. */
function run(cmd, args, cwd, env = {}) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env } });
  } catch (error) {
    console.error(`[consumer] FAILED: ${cmd} ${args.join(' ')} (in ${cwd})\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw error;
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(`[consumer] FAILED: ${message}`);
}
const npm = (args, cwd) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], cwd);

try {
  const packages = publicPackages(root);
  for (const { dir, pkg } of packages) {
    expect(existsSync(join(dir, 'dist')), `${pkg.name} is not built (run npm run build first)`);
  }
  log(`npm pack ${packages.length} public packages`);
  npm(['pack', '--pack-destination', tarballs, ...packages.flatMap(({ pkg }) => ['-w', pkg.name])], root);
  const tgz = new Map(
    packages.map(({ pkg }) => {
      const file = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
      expect(existsSync(join(tarballs, file)), `npm pack wrote no ${file}`);
      return [pkg.name, `file:${join(tarballs, file)}`];
    }),
  );
  // create-aeroml too: the CLI depends on it (aero init), and its library entry is public.
  const library = packages;
  const zod = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')).peerDependencies.zod;
  const typescript = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.typescript;

  log(`install only the tarballs (plus zod ${zod}, typescript ${typescript}) in ${project}`);
  const deps = Object.fromEntries(library.map(({ pkg }) => [pkg.name, tgz.get(pkg.name)]));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'aero-consumer', private: true, type: 'module', dependencies: { ...deps, zod }, devDependencies: { typescript, vitest: '^4.1.0' }, overrides: deps }, null, 2),
  );
  npm(['install'], project);

  log('run a pipeline that uses a plugin (handler-npy) with the installed aero CLI');
  writeFileSync(
    join(project, 'aero.config.ts'),
    `import { defineAction, defineConfig } from '@aeroml/core';
import { npyHandlers, ndarray } from '@aeroml/handler-npy';
import { z } from 'zod';

const make = defineAction({
  name: 'make',
  params: z.object({ n: z.number().int().min(1).default(4) }),
  outputs: { values: { handler: 'npy' } },
  async run({ params, outputs }) {
    await outputs.values.write(ndarray('float64', [params.n], Float64Array.from({ length: params.n }, (_, i) => i * i)));
  },
});
const total = defineAction({
  name: 'total',
  inputs: { values: make.output('values') },
  outputs: { sum: { handler: 'json' } },
  async run({ inputs, outputs, log }) {
    const array = (await inputs.values.read()) as { data: Float64Array };
    const sum = array.data.reduce((a, b) => a + b, 0);
    log.info(\`sum \${sum}\`);
    await outputs.sum.write({ sum });
  },
});
export default defineConfig({ actions: [make, total], plugins: [npyHandlers()] });
`,
  );
  const first = run('npx', ['aero', 'run', 'make.n=5'], project);
  expect(/2 ran, 0 cached/.test(first), `first run should run both actions:\n${first}`);
  const second = run('npx', ['aero', 'run', 'make.n=5'], project);
  expect(/0 ran, 2 cached/.test(second), `rerun should be served from the cache:\n${second}`);
  const events = run('npx', ['aero', 'run', 'make.n=5', '--json'], project).trim().split('\n').map((line) => JSON.parse(line));
  const end = events.find((e) => e.type === 'run:end');
  expect(end?.status === 'succeeded' && end.counts.cached === 2, `run --json ends with a run:end event, all cached: ${JSON.stringify(end)}`);
  const firstRun = /\(run ([\w-]+)\)/.exec(first)?.[1];
  expect(firstRun, `the first run names its id:\n${first}`);
  const logs = run('npx', ['aero', 'logs', firstRun, 'total'], project);
  expect(/sum 30/.test(logs), `aero logs shows the action's log (0+1+4+9+16 = 30):\n${logs}`);
  const help = run('npx', ['aero', '--help'], project);
  expect(/https:\/\//.test(help), `aero --help links the docs by URL:\n${help}`);

  log('import and require every package');
  const dual = library.filter(({ pkg }) => !ESM_ONLY.has(pkg.name));
  for (const { pkg } of library) {
    const esm = run('node', ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pkg.name)}); console.log(Object.keys(m).length)`], project).trim();
    expect(Number(esm) > 0, `${pkg.name}: import gave ${esm} exports`);
    if (ESM_ONLY.has(pkg.name)) continue;
    const cjs = run('node', ['-e', `const m = require(${JSON.stringify(pkg.name)}); console.log(Object.keys(m).length)`], project).trim();
    expect(esm === cjs, `${pkg.name}: import gave ${esm} exports, require gave ${cjs}`);
  }
  const coreCjs = run('node', ['-e', "const { defineAction, AeroError } = require('@aeroml/core'); console.log(typeof defineAction, new AeroError('X', 'y').code)"], project).trim();
  expect(coreCjs === 'function X', `require('@aeroml/core') works: ${coreCjs}`);

  log('tsc --noEmit, strict, skipLibCheck: false, over imports of every package (ESM and CommonJS)');
  mkdirSync(join(project, 'types'));
  const ident = (name) => name.replace(/^@aeroml\//, '').replace(/[^a-zA-Z0-9]/g, '_');
  writeFileSync(join(project, 'types', 'esm.ts'), library.map(({ pkg }) => `import * as ${ident(pkg.name)} from '${pkg.name}';\nexport const use_${ident(pkg.name)} = Object.keys(${ident(pkg.name)});\n`).join(''));
  writeFileSync(join(project, 'types', 'cjs.cts'), dual.map(({ pkg }) => `import ${ident(pkg.name)} = require('${pkg.name}');\nexport const use_${ident(pkg.name)} = Object.keys(${ident(pkg.name)});\n`).join(''));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, noEmit: true, types: ['node'] }, include: ['types', 'aero.config.ts'] }, null, 2),
  );
  npm(['install', '--save-dev', '@types/node@^20.19.0'], project);
  run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], project);

  log('scaffold with the packed create-aeroml (--from-tarballs) and run the new project');
  const scaffolded = join(work, 'scaffolded');
  run('npm', ['exec', '--yes', `--package=${tgz.get('create-aeroml').slice('file:'.length)}`, '--', 'create-aeroml', scaffolded, '--template', 'ts', '--from-tarballs', tarballs, '--yes'], work);
  const scaffoldedRun = run('npx', ['aero', 'run'], scaffolded);
  expect(/succeeded/.test(scaffoldedRun), `the scaffolded project's pipeline runs:\n${scaffoldedRun}`);
  for (const file of readdirSync(scaffolded, { recursive: true, withFileTypes: true })) {
    const path = join(file.parentPath, file.name);
    if (!file.isFile() || /(^|\/)(node_modules|\.aero)(\/|$)|package-lock\.json$/.test(path.slice(scaffolded.length))) continue;
    expect(!readFileSync(path, 'utf8').includes(root), `${path} of the scaffolded project names the monorepo (${root})`);
  }

  console.log(`[consumer] ok: ${packages.length} packages packed, installed and used outside the repository`);
} finally {
  if (keep) console.log(`[consumer] kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
