import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineAction, defineConfig, StoreKeys } from '../src/index.js';
import { dirStore } from './dir-store.js';
import { jsonHandler } from './fixtures.js';

/** Every file below `dir`, relative, with `/`. */
async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('outputs a local store moves in (putFile handOver, PutResult.moved)', () => {
  it('are committed by the move, and the reused work dirs are left empty', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-moved-'));
    const actions = Array.from({ length: 6 }, (_, i) =>
      defineAction({ name: `a${i}`, version: '1', outputs: { out: { handler: 'json' } }, async run({ outputs }) { await outputs.out.write({ i }); } }),
    );
    const aero = await createAero({ cwd, config: defineConfig({ actions, concurrency: 2, plugins: [dirStore(join(cwd, '.aero')), jsonHandler()] }) });
    const summary = await aero.run();
    expect(summary.counts).toMatchObject({ ran: 6 });
    for (const a of summary.record.actions) {
      const manifest = await aero.artifacts.getManifest(`${a.action}.out`, a.outputs!.out!);
      const blob = join(cwd, '.aero', ...StoreKeys.blob(manifest.files[0]!.sha256).split('/'));
      expect(JSON.parse(await readFile(blob, 'utf8'))).toEqual({ i: Number(a.action.slice(1)) });
    }
    // The run's scratch is gone: nothing was left behind in it.
    expect(existsSync(join(cwd, '.aero', 'runs', summary.runId, '.scratch'))).toBe(false);
  });

  it('are linked back into a failed job\'s folder, so it shows every file the action wrote', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-moved-failed-'));
    const half = defineAction({
      name: 'half',
      version: '1',
      outputs: { first: { handler: 'json' }, second: { handler: 'json' } },
      async run({ outputs }) {
        await outputs.first.write({ kept: true });
      },
    });
    const aero = await createAero({ cwd, config: defineConfig({ actions: [half], plugins: [dirStore(join(cwd, '.aero')), jsonHandler()] }) });
    const summary = await aero.run();
    const failed = summary.record.actions.find((a) => a.id === 'half')!;
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('ACTION_OUTPUT_MISSING');
    const runDir = join(cwd, '.aero', 'runs', summary.runId);
    const work = (await filesUnder(runDir)).filter((f) => f.includes('work/out/'));
    expect(work).toHaveLength(1);
    const kept = join(runDir, work[0]!);
    expect(work[0]).toMatch(/work\/out\/first\//);
    expect(JSON.parse(await readFile(kept, 'utf8'))).toEqual({ kept: true });
    // It is the store's one blob, linked back (the same inode), not a copy.
    const blobs = await filesUnder(join(cwd, '.aero', 'objects'));
    expect(blobs).toHaveLength(1);
    expect((await stat(kept)).ino).toBe((await stat(join(cwd, '.aero', 'objects', blobs[0]!))).ino);
  });
});
