// A frozen copy of the built aero packages for one benchmark run.
//
// A long benchmark must not see a rebuild half-way (tsup rewrites dist/ while it builds),
// so the suites copy the CLI and the packages it depends on (package.json + dist/) into
// `<dir>/node_modules/@aeroml/...` once, check that the copy works, and put every aero
// project they generate under `<dir>`: Node's resolution finds the frozen copy first;
// third-party dependencies (zod, jiti) still resolve from the repository's node_modules.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measure } from './measure.mjs';
import { repoRoot } from './report.mjs';

function workspacePackages(from = repoRoot) {
  const map = new Map();
  for (const group of ['packages', 'plugins']) {
    const root = join(from, group);
    if (!existsSync(root)) continue;
    for (const d of readdirSync(root)) {
      const file = join(root, d, 'package.json');
      if (existsSync(file)) map.set(JSON.parse(readFileSync(file, 'utf8')).name, join(root, d));
    }
  }
  return map;
}

/** @aeroml/* packages reachable from `start` through dependencies. */
function closure(start, packages) {
  const seen = new Set();
  const queue = [start];
  while (queue.length) {
    const name = queue.pop();
    if (seen.has(name) || !packages.has(name)) continue;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join(packages.get(name), 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })) if (dep.startsWith('@aeroml/')) queue.push(dep);
  }
  return [...seen];
}

/**
 * Copies @aeroml/cli and its @aeroml/* dependencies into `<dir>/node_modules`, retrying while a
 * concurrent build leaves a copy that does not start. `from`: the checkout whose built
 * packages are copied (default this repository; another one, e.g. a git worktree of an
 * older commit with its packages built, for before/after numbers).
 * @returns {Promise<{ bin: string, modules: string, packages: string[] }>}
 */
export async function snapshotAero(dir, { log = () => {}, attempts = 6, from = repoRoot } = {}) {
  const packages = workspacePackages(from);
  const names = closure('@aeroml/cli', packages);
  const modules = join(dir, 'node_modules');
  const bin = join(modules, '@aeroml', 'cli', 'dist', 'bin.js');
  for (let attempt = 1; attempt <= attempts; attempt++) {
    rmSync(join(modules, '@aeroml'), { recursive: true, force: true });
    for (const name of names) {
      const from = packages.get(name);
      const to = join(modules, name);
      mkdirSync(to, { recursive: true });
      cpSync(join(from, 'package.json'), join(to, 'package.json'));
      if (existsSync(join(from, 'dist'))) cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true });
    }
    const r = await measure(process.execPath, [bin, '--help'], { cwd: dir, timeoutMs: 60_000 });
    if (r.code === 0 && /Usage: aero/.test(r.stdout)) {
      log(`[bench] aero snapshot: ${names.join(', ')} → ${modules}`);
      return { bin, modules, packages: names };
    }
    log(`[bench] aero snapshot attempt ${attempt} does not start (a build in progress?): ${(r.stderr || r.stdout).trim().split('\n').at(-1)}; retrying in 20 s`);
    await new Promise((res) => setTimeout(res, 20_000));
  }
  throw new Error(`Could not take a working copy of the aero CLI into ${modules}: build it (npx tsup in packages/core, packages/cli and the plugins) and retry.`);
}

/** Imports an @aeroml/* package from a snapshot's node_modules (its ESM entry). */
export async function importFrom(modules, name) {
  const root = join(modules, name);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // `import` is a path, or (dual ESM/CommonJS packages) an object with types and default.
  const condition = pkg.exports?.['.']?.import ?? pkg.exports?.['.']?.default;
  const entry = (typeof condition === 'object' ? condition.default : condition) ?? pkg.module ?? pkg.main;
  return import(pathToFileURL(join(root, entry)).href);
}
