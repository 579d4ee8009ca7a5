// What a user does, offline from the registry for aero itself: scaffold from tarballs into a
// folder outside the repository, npm install, then run the project the way its README says.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { packTarballs, tempDir } from './helpers.js';

const exec = promisify(execFile);
const BIN = new URL('../bin/create-aeroml.js', import.meta.url).pathname;
// Third-party packages come from npm's cache when it has them (the repo's own install filled it).
const env: NodeJS.ProcessEnv = { ...process.env, npm_config_prefer_offline: 'true', CI: 'true', NO_COLOR: '1' };
delete env.FORCE_COLOR;

/** `create-aeroml <name> ...args --from-tarballs <tarballs> --yes` in a new folder outside the repo; the project's folder and its output. */
async function createFromTarballs(tarballs: string, name: string, ...args: string[]): Promise<{ dir: string; stdout: string }> {
  const cwd = await tempDir('e2e');
  const { stdout } = await exec(process.execPath, [BIN, name, ...args, '--from-tarballs', tarballs, '--yes'], { cwd, env });
  return { dir: join(cwd, name), stdout };
}
const aero = async (dir: string, ...args: string[]) => (await exec('npx', ['aero', ...args], { cwd: dir, env })).stdout;

describe('generated projects work out of the box', () => {
  let tarballs = '';
  beforeAll(async () => {
    // The bin runs the built dist/, as `npm create aeroml` does.
    await exec('npx', ['tsup'], { cwd: new URL('..', import.meta.url).pathname });
    tarballs = await packTarballs(['@aeroml/core', '@aeroml/cli', '@aeroml/store-local', '@aeroml/tracker-file', '@aeroml/handler-text', '@aeroml/config-yaml', '@aeroml/test-utils']);
  });

  it('ts: create-aeroml --from-tarballs --yes installs, then npx aero run succeeds and reruns from cache', { timeout: 120_000 }, async () => {
    const created = await createFromTarballs(tarballs, 'app', '--template', 'ts');
    expect(created.stdout).toContain('Created app (ts) in app: 8 files.');
    expect(created.stdout).toContain('Next:\n  cd app && npx aero run');
    const dir = created.dir;
    expect(await aero(dir, 'run')).toMatch(/succeeded in .*: 3 ran, 0 cached, 0 failed/);
    expect(await aero(dir, 'run', 'fit.lr=0.05')).toMatch(/succeeded in .*: 2 ran, 1 cached, 0 failed/);
    await exec('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: dir, env });
    // A transitive dependency (the CLI's store) came from its tarball, not the registry.
    const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
    expect(lock.packages['node_modules/@aeroml/store-local']?.resolved).toMatch(/^file:.*aeroml-store-local-[^/]*\.tgz$/);
  });

  it('python: the defineCommand step runs python3 and reports its metrics', { timeout: 120_000 }, async () => {
    const { dir } = await createFromTarballs(tarballs, 'py', '--template', 'python');
    expect(await aero(dir, 'run')).toMatch(/succeeded in .*: 2 ran, 0 cached, 0 failed/);
    const show = JSON.parse(await aero(dir, 'show', 'latest', '--json')) as { actions: Array<{ id: string; metrics?: Record<string, number> }> };
    expect(show.actions.find((a) => a.id === 'fit')?.metrics?.mse).toBeLessThan(0.01);
  });

  it('yaml: config groups pick the params; a sweep runs one trial per option', { timeout: 120_000 }, async () => {
    const { dir } = await createFromTarballs(tarballs, 'hy', '--template', 'yaml');
    expect(await aero(dir, 'run')).toMatch(/succeeded in .*: 3 ran, 0 cached, 0 failed/);
    const sweep = await aero(dir, 'run', '-m', 'data=clean,noisy');
    expect(sweep).toMatch(/0 ran, 3 cached, 0 failed/); // clean: the run above
    expect(sweep).toMatch(/3 ran, 0 cached, 0 failed/); // noisy: new data
  });

  it('plugin handler: npm test builds it and passes describeHandler', { timeout: 120_000 }, async () => {
    const { dir } = await createFromTarballs(tarballs, 'aero-handler-lines', '--template', 'plugin', '--plugin-kind', 'handler');
    const r = await exec('npm', ['test'], { cwd: dir, env });
    expect(r.stdout).toMatch(/Tests\s+21 passed \(21\)/);
  });
});
