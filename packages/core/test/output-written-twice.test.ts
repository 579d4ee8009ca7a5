import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineAction, defineConfig, type OutputHandle } from '../src/index.js';
import { dirStore } from './dir-store.js';
import { jsonHandler } from './fixtures.js';

async function runOne(body: (out: OutputHandle) => Promise<void>) {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-twice-'));
  const action = defineAction({ name: 'a', version: '1', outputs: { out: { handler: 'json' } }, run: ({ outputs }) => body(outputs.out) });
  const aero = await createAero({ cwd, config: defineConfig({ actions: [action], plugins: [dirStore(join(cwd, '.aero')), jsonHandler()] }) });
  const summary = await aero.run();
  await aero.close();
  return summary;
}

describe('an output written twice', () => {
  it('fails the action: the second value does not silently replace the first', async () => {
    const summary = await runOne(async (out) => {
      await out.write({ step: 1 });
      await out.write({ step: 2 });
    });
    expect(summary.status).toBe('failed');
    expect(summary.record.actions[0]!.error).toEqual({
      code: 'ACTION_OUTPUT_WRITTEN_TWICE',
      message: 'Action `a` wrote output `out` twice; the second write would replace the first.',
      hint: expect.stringMatching(/^Write `outputs\.out` once, with its whole value; several files go under `outputs\.out\.dir`\. \(the log is /),
    });
  });

  it('may be written again after a write that failed', async () => {
    const summary = await runOne(async (out) => {
      await out.write(1n).catch(() => undefined); // JSON cannot encode a BigInt: the handler throws
      await out.write({ ok: true });
    });
    expect(summary.status).toBe('succeeded');
  });
});

describe('an output that is a symbolic link', () => {
  it('fails the action with ACTION_OUTPUT_NOT_FILE instead of reading as never written', async () => {
    const { symlink, writeFile: write } = await import('node:fs/promises');
    const real = join(await mkdtemp(join(tmpdir(), 'aero-link-')), 'real.json');
    await write(real, '{"v":1}');
    const summary = await runOne(async (out) => {
      await symlink(real, out.path);
    });
    expect(summary.status).toBe('failed');
    expect(summary.record.actions[0]!.error).toMatchObject({
      code: 'ACTION_OUTPUT_NOT_FILE',
      message: 'Action `a` wrote `out.json` in output `out`, which is not a regular file (a symbolic link?): an artifact holds regular files only.',
      hint: expect.stringMatching(/^Copy the file itself into `outputs\.out\.path` \(or under `outputs\.out\.dir`\), e\.g\. with fs\.copyFile, instead of linking to it\./),
    });
  });
});
