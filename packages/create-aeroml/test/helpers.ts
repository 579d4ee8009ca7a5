import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
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

/** `npm pack` of the built packages a project needs (their dist/ must be built). */
export async function packTarballs(packages: string[]): Promise<string> {
  const dir = await tempDir('tarballs');
  await run('npm', ['pack', '--pack-destination', dir, ...packages.flatMap((p) => ['-w', p])], { cwd: REPO });
  return dir;
}
