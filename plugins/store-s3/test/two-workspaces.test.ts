import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './env.js';
import { env, tempDir, uniquePrefix } from './helpers.js';

const run = promisify(execFile);
const cli = join(repoRoot, 'packages', 'cli', 'dist', 'bin.js');
const quickstart = join(repoRoot, 'examples', 'quickstart');

interface AeroEvent {
  type: string;
  runId?: string;
  action?: string;
  status?: string;
  counts?: Record<string, number>;
}

/**
 * Two machines sharing one bucket, played by two separate copies of examples/quickstart
 * (each with its own empty .aero and its own blob cache) driven by the real `aero` CLI.
 */
describe('two workspaces sharing one bucket (examples/quickstart through the aero CLI)', () => {
  let root: string;
  const prefix = uniquePrefix('two-workspaces');

  async function workspace(name: string): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    for (const entry of await readdir(quickstart)) {
      if (['node_modules', '.aero', 'dist', 'test', 'aero.config.ts'].includes(entry)) continue;
      await cp(join(quickstart, entry), join(dir, entry), { recursive: true });
    }
    await cp(join(quickstart, 'aero.config.ts'), join(dir, 'aero.quickstart.ts'));
    await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    // The example's own config, with the shared S3 store added: nothing else differs.
    await writeFile(
      join(dir, 'aero.config.ts'),
      `import base from './aero.quickstart.js';
import { s3Store } from '@aeroml/store-s3';

export default {
  ...base,
  plugins: [
    ...(base.plugins ?? []),
    s3Store({
      bucket: ${JSON.stringify(env.bucket)},
      endpoint: ${JSON.stringify(env.endpoint)},
      region: ${JSON.stringify(env.region)},
      prefix: ${JSON.stringify(prefix)},
      credentials: { accessKeyId: ${JSON.stringify(env.accessKeyId)}, secretAccessKey: ${JSON.stringify(env.secretAccessKey)} },
      cacheDir: ${JSON.stringify(join(root, `${name}-blob-cache`))},
    }),
  ],
};
`,
    );
    return dir;
  }

  async function aero(cwd: string, args: string[]): Promise<string> {
    try {
      const { stdout } = await run(process.execPath, [cli, ...args], {
        cwd,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 240_000,
      });
      return stdout;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`aero ${args.join(' ')} in ${cwd} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
  }

  const events = (ndjson: string): AeroEvent[] =>
    ndjson
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as AeroEvent);
  const statuses = (evs: AeroEvent[]) => Object.fromEntries(evs.filter((e) => e.type === 'action:end').map((e) => [e.action, e.status]));

  beforeAll(async () => {
    expect(existsSync(cli), `${cli} is missing: build the CLI (npx nx run @aeroml/cli:build)`).toBe(true);
    expect(existsSync(join(quickstart, 'aero.config.ts')), `${quickstart} is missing`).toBe(true);
    root = await tempDir('two-workspaces');
  });

  it('B reuses every cached result of A, sees A’s run in `aero ps`, and downloads A’s blobs when it must', async () => {
    const a = await workspace('A');
    const b = await workspace('B');
    expect(existsSync(join(b, '.aero'))).toBe(false);

    const first = events(await aero(a, ['run', '--json']));
    const runA = first.find((e) => e.type === 'run:end');
    expect(runA?.status).toBe('succeeded');
    const actions = Object.keys(statuses(first));
    expect(actions.length).toBeGreaterThanOrEqual(2);
    expect(Object.values(statuses(first)).every((s) => s === 'ran')).toBe(true);

    const second = events(await aero(b, ['run', '--json']));
    const runB = second.find((e) => e.type === 'run:end');
    expect(runB?.status).toBe('succeeded');
    expect(statuses(second)).toEqual(Object.fromEntries(actions.map((name) => [name, 'cached'])));
    expect(runB?.counts?.ran).toBe(0);

    const ps = (await aero(b, ['ps', '--json']))
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { id: string; counts: Record<string, number> });
    const ids = ps.map((r) => r.id);
    expect(ids).toContain(runA!.runId);
    expect(ids).toContain(runB!.runId);
    expect(ps.find((r) => r.id === runA!.runId)?.counts.ran).toBe(actions.length);

    // Forcing the last action makes B read its inputs: A's blobs come down from the bucket,
    // verified, into B's own blob cache.
    const last = actions[actions.length - 1]!;
    const third = events(await aero(b, ['run', '--only', last, '--force', '--json']));
    expect(third.find((e) => e.type === 'run:end')?.status).toBe('succeeded');
    expect(statuses(third)[last]).toBe('ran');
    const cached = await readdir(join(root, 'B-blob-cache', 'objects', 'sha256'), { recursive: true });
    expect(cached.filter((p) => /[0-9a-f]{64}$/.test(p)).length).toBeGreaterThan(0);
  }, 600_000);
});
