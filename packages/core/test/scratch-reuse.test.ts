import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineAction, defineConfig } from '../src/index.js';
import { dirStore } from './dir-store.js';
import { jsonHandler } from './fixtures.js';

/**
 * In-process jobs reuse one work dir after another (scratch.ts). With concurrency 1 every
 * job below gets the dir the job before it left, so whatever a job left behind would show up
 * in the next one: in its output folder (and so in its artifact), its input folder or its
 * work dir.
 */
async function runInOrder(actions: ReturnType<typeof defineAction>[]) {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-scratch-reuse-'));
  const aero = await createAero({ cwd, config: defineConfig({ actions, concurrency: 1, plugins: [dirStore(join(cwd, '.aero')), jsonHandler()] }) });
  return { aero, summary: await aero.run() };
}

describe('a reused work dir', () => {
  it('holds nothing of the job before: nested output folders, symlinks and work-dir files are gone', async () => {
    const seen: Record<string, unknown> = {};
    const messy = defineAction({
      name: 'messy',
      outputs: { out: { handler: 'json' } },
      async run({ outputs, workDir }) {
        await outputs.out.write({ a: 1 });
        await mkdir(join(outputs.out.dir, 'deep', 'er'), { recursive: true });
        await writeFile(join(outputs.out.dir, 'deep', 'er', 'x.txt'), 'x');
        await mkdir(join(outputs.out.dir, 'empty'));
        // A symlink in an output fails the action (ACTION_OUTPUT_NOT_FILE); one in the work dir is left behind.
        await symlink('/etc/hostname', join(workDir, 'link'));
      },
    });
    const tidy = defineAction({
      name: 'tidy',
      inputs: { messy: messy.output('out') },
      outputs: { out: { handler: 'json' } },
      async run({ inputs, outputs, workDir }) {
        seen.tidyWorkDir = (await readdir(workDir)).sort();
        seen.outDir = (await readdir(outputs.out.dir)).sort();
        seen.inputDir = (await readdir(dirname(inputs.messy.path))).sort();
        // A sidecar next to an input: outside the places an action is given, yet cleaned.
        await writeFile(`${inputs.messy.path}.sidecar`, 'junk');
        await outputs.out.write({ b: 2 });
      },
    });
    const after = defineAction({
      name: 'after',
      inputs: { tidy: tidy.output('out') },
      outputs: { out: { handler: 'json' } },
      async run({ inputs, outputs }) {
        seen.afterInputDir = (await readdir(dirname(inputs.tidy.path))).sort();
        seen.afterOutDir = (await readdir(outputs.out.dir)).sort();
        await outputs.out.write({ c: 3 });
      },
    });
    // A job that used its work dir leaves files there; the next job's work dir is empty.
    const usesWorkDir = defineAction({
      name: 'usesWorkDir',
      inputs: { after: after.output('out') },
      outputs: { out: { handler: 'json' } },
      async run({ outputs, workDir }) {
        await writeFile(join(workDir, 'scratch.bin'), 'junk');
        await outputs.out.write({ d: 4 });
      },
    });
    const last = defineAction({
      name: 'last',
      inputs: { w: usesWorkDir.output('out') },
      outputs: { out: { handler: 'json' } },
      async run({ outputs, workDir }) {
        seen.workDir = (await readdir(workDir)).sort();
        await outputs.out.write({ e: 5 });
      },
    });
    const { aero, summary } = await runInOrder([messy, tidy, after, usesWorkDir, last]);
    expect(summary.status).toBe('succeeded');
    // messy's listing includes its nested file; its symlink in the work dir is gone.
    expect(seen.tidyWorkDir).toEqual(['in', 'out']);
    expect(seen.outDir).toEqual([]);
    expect(seen.workDir).toEqual(['in', 'out']);
    expect(seen.inputDir).toEqual(['x.txt']); // messy's first file, deep/er/x.txt
    expect(seen.afterInputDir).toEqual(['out.json']);
    expect(seen.afterOutDir).toEqual([]);
    // Each artifact holds what its own job wrote, nothing its predecessor left.
    const filesOf = async (action: string) => {
      const digest = summary.record.actions.find((a) => a.action === action)!.outputs!.out!;
      return (await aero.artifacts.getManifest(`${action}.out`, digest)).files.map((f) => f.path);
    };
    expect(await filesOf('messy')).toEqual(['deep/er/x.txt', 'out.json']);
    expect(await filesOf('tidy')).toEqual(['out.json']);
    expect(await filesOf('after')).toEqual(['out.json']);
  });

  it('an interrupted job leaves no files; a failed one keeps its work dir for inspection', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-scratch-abort-'));
    const controller = new AbortController();
    const big = defineAction({
      name: 'big',
      outputs: { out: { handler: 'json' } },
      async run({ outputs, workDir, signal }) {
        await writeFile(join(workDir, 'partial.bin'), 'x'.repeat(1 << 16));
        await writeFile(outputs.out.path, 'x'.repeat(1 << 16));
        // Ctrl-C half-way through, once the files are written.
        controller.abort();
        expect(signal.aborted).toBe(true);
      },
    });
    const aero = await createAero({ cwd, config: defineConfig({ actions: [big], plugins: [dirStore(join(cwd, '.aero')), jsonHandler()] }) });
    const interrupted = await aero.run({ signal: controller.signal });
    expect(interrupted.status).toBe('interrupted');
    // Neither the pool's folder nor a work dir moved to the instance's folder is left.
    expect(await readdir(join(cwd, '.aero/runs', interrupted.record.id))).not.toContain('.scratch');
    expect(await readdir(join(cwd, '.aero/runs', interrupted.record.id, 'big')).catch(() => [])).not.toContain('work');

    const broken = defineAction({
      name: 'broken',
      async run({ workDir }) {
        await writeFile(join(workDir, 'clue.txt'), 'why it failed');
        throw new Error('boom');
      },
    });
    const failed = await (await createAero({ cwd, config: defineConfig({ actions: [broken], plugins: [dirStore(join(cwd, '.aero')), jsonHandler()] }) })).run();
    expect(failed.status).toBe('failed');
    expect(await readdir(join(cwd, '.aero/runs', failed.record.id, 'broken', 'work'))).toEqual(['clue.txt']);
  });
});
