// Where a suite puts the projects it generates, and what file system that is.
//
// By default under tools/bench/.work. `--work-root DIR` puts them elsewhere, for example on
// a tmpfs: on a virtual disk whose file creation time swings tenfold between rounds (the
// 2-core test machine's ext4 takes 0.3–5 s to create 10,000 empty files, tmpfs 70 ms), the
// disk hides what the engine itself costs. Projects outside the repository still need the
// third-party packages the aero snapshot imports (zod, jiti, …), so the root's node_modules
// gets a symlink to each of the repository's top-level entries (the snapshot's own @aeroml
// copy is not touched).
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { benchDir, repoRoot } from './report.mjs';

const insideRepo = (dir) => {
  const rel = relative(repoRoot, dir);
  return !rel.startsWith('..') && !isAbsolute(rel);
};

/** The suite's work dir: `<root>/<suite>`, root defaulting to tools/bench/.work. */
export function suiteWorkDir(suite, root) {
  const base = root ? resolve(root) : join(benchDir, '.work');
  const dir = join(base, suite);
  mkdirSync(dir, { recursive: true });
  if (!insideRepo(dir)) linkRepoModules(join(dir, 'node_modules'));
  return dir;
}

function linkRepoModules(modules) {
  mkdirSync(modules, { recursive: true });
  const from = join(repoRoot, 'node_modules');
  for (const entry of readdirSync(from)) {
    if (entry === '@aeroml' || entry === '.bin') continue;
    const target = join(modules, entry);
    if (existsSync(target) || isLink(target)) continue;
    symlinkSync(join(from, entry), target);
  }
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** `ext4 (rw,relatime,discard)`-style description of the file system holding `dir`. */
export function fileSystemOf(dir) {
  try {
    const [type, options] = execFileSync('findmnt', ['-n', '-o', 'FSTYPE,OPTIONS', '--target', dir], { encoding: 'utf8' }).trim().split(/\s+/);
    return `${type} (${options})`;
  } catch {
    return 'unknown';
  }
}
