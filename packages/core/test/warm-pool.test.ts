import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, processLauncher } from '../src/index.js';

const here = __dirname;
const src = resolve(here, '../src/index.ts');
const zod = createRequire(import.meta.url).resolve('zod');

/**
 * probe[i=0..5]: each instance records the process it ran in, its cwd, its GPU, the
 * override it got and the launcher's extra env. Instances 0-3 take one GPU each (of two).
 */
const config = (fresh: boolean, cwd: string) => `
import { z } from ${JSON.stringify(zod)};
import { defineAction, defineConfig, processLauncher } from ${JSON.stringify(src)};
import { dirStore } from ${JSON.stringify(resolve(here, 'dir-store.ts'))};
import { jsonHandler } from ${JSON.stringify(resolve(here, 'fixtures.ts'))};
const probe = (name: string, gpus: number, parts: number[]) => defineAction({
  name, version: '1', partitions: { i: parts }, resources: { gpus },
  params: z.object({ x: z.number().default(1) }),
  outputs: { o: { handler: 'json', path: '{i}.json' } },
  async run({ outputs, params }) {
    await outputs.o.write({ pid: process.pid, cwd: process.cwd(), cuda: process.env.CUDA_VISIBLE_DEVICES ?? null, x: params.x, extra: process.env.AERO_TEST_EXTRA ?? null });
  },
});
export default defineConfig({
  actions: [probe('gpu', 1, [0, 1, 2, 3]), probe('cpu', 0, [4, 5, 6, 7])],
  gpus: ['0', '1'],
  concurrency: 2,
  launcher: 'process',
  plugins: [dirStore(${JSON.stringify(join(cwd, '.aero'))}), jsonHandler(), processLauncher({ env: { AERO_TEST_EXTRA: 'yes' }, fresh: ${fresh} })],
});
`;

async function runProbe(fresh: boolean) {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-warm-'));
  await writeFile(join(cwd, 'aero.config.ts'), config(fresh, cwd));
  const aero = await createAero({ cwd, overrides: ['gpu.x=7', 'cpu.x=9'], execCommand: [process.execPath, join(here, 'warm-pool', 'worker.mjs')] });
  const summary = await aero.run();
  await aero.close();
  expect(summary.record.actions.filter((a) => a.error).map((a) => a.error!.message)).toEqual([]);
  expect(summary.status).toBe('succeeded');
  const seen = [];
  for (const entry of summary.record.actions) {
    const digest = entry.outputs!.o!;
    const manifest = await aero.artifacts.getManifest(`${entry.action}.o`, digest);
    const blob = manifest.files[0]!.sha256;
    const value = JSON.parse(await readFile(join(cwd, '.aero', 'objects', 'sha256', blob.slice(0, 2), blob), 'utf8'));
    seen.push({ action: entry.action, ...value });
  }
  return { cwd, seen };
}

describe('process launcher: warm workers', () => {
  it('reuse worker processes, each job with its own cwd, GPU, overrides and env', { timeout: 120_000 }, async () => {
    const { cwd, seen } = await runProbe(false);
    for (const s of seen) {
      expect(s.cwd).toBe(cwd);
      expect(s.extra).toBe('yes');
      expect(s.x).toBe(s.action === 'gpu' ? 7 : 9);
      expect(s.cuda).toEqual(s.action === 'gpu' ? expect.stringMatching(/^[01]$/) : null);
    }
    // A worker only ever runs jobs with the same environment: one GPU, or none.
    const envOf = new Map<number, string | null>();
    for (const s of seen) {
      if (envOf.has(s.pid)) expect(envOf.get(s.pid)).toBe(s.cuda);
      envOf.set(s.pid, s.cuda);
    }
    // And workers are reused: fewer processes than jobs.
    expect(new Set(seen.map((s) => s.pid)).size).toBeLessThan(seen.length);
  });

  it('fresh: true starts a process per job', { timeout: 120_000 }, async () => {
    const { seen } = await runProbe(true);
    expect(new Set(seen.map((s) => s.pid)).size).toBe(seen.length);
    expect(seen.filter((s) => s.action === 'gpu').every((s) => s.cuda === '0' || s.cuda === '1')).toBe(true);
  });

  it('refuses an unknown option with the nearest name', () => {
    expect(() => processLauncher({ frsh: true } as never)).toThrow(/fresh/);
  });
});
