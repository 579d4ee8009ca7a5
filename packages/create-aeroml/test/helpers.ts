import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from '../src/index.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const run = promisify(execFile);

/** Folders outside the repository, so nothing resolves from its node_modules by accident. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `create-aeroml-${prefix}-`));
}

/** Runs the create-aeroml command in-process with captured output and no terminal. */
export async function create(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), interactive: false, cwd });
  return { code, out, err };
}

/** The given workspace packages and every aero package they depend on, from the repo's package.json files. */
export async function withDependencies(packages: string[]): Promise<string[]> {
  const manifests = new Map<string, { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }>();
  for (const group of ['packages', 'plugins']) {
    for (const entry of await readdir(join(REPO, group))) {
      const pkg = JSON.parse(await readFile(join(REPO, group, entry, 'package.json'), 'utf8'));
      manifests.set(pkg.name, pkg);
    }
  }
  const out = new Set<string>();
  const visit = (name: string) => {
    const pkg = manifests.get(name);
    if (!pkg || out.has(name)) return;
    out.add(name);
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })) visit(dep);
  };
  packages.forEach(visit);
  return [...out];
}

/** `npm pack` of the built packages a project needs, with their aero dependencies (dist/ must be built). */
export async function packTarballs(packages: string[]): Promise<string> {
  const dir = await tempDir('tarballs');
  await run('npm', ['pack', '--pack-destination', dir, ...(await withDependencies(packages)).flatMap((p) => ['-w', p])], { cwd: REPO });
  return dir;
}
