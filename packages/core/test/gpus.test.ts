import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineAction, defineCommand, defineConfig, parseGpusOption, type Action } from '../src/index.js';
import { jsonHandler, memoryStore } from './fixtures.js';

async function open(actions: Action[], gpus?: string[]) {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-gpus-'));
  return createAero({ cwd, config: defineConfig({ actions, ...(gpus ? { gpus } : {}), plugins: [memoryStore(), jsonHandler()] }) });
}

describe('GPUs', () => {
  it('asking for more than exist fails before anything runs, a dry run included, with a hint naming --gpus', async () => {
    const big = defineAction({ name: 'big', resources: { gpus: 3 }, run() {} });
    const aero = await open([big], ['0']);
    for (const dryRun of [true, false]) {
      const error = await aero.run({ dryRun }).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string; hint: string },
      );
      expect(error).toBeDefined();
      expect(error!.code).toBe('PLAN_GPUS_UNAVAILABLE');
      expect(error!.message).toBe('Not enough GPUs: `big` needs 3, and this machine has 1 (0, from `gpus` in aero.config.ts). Nothing was run.');
      expect(error!.hint).toBe("Pass the devices with `aero run --gpus 0,1` (or a count: `--gpus 2`), set `gpus: ['0', '1']` in aero.config.ts, or lower `resources.gpus`.");
    }
    // --gpus (RunOptions.gpus) wins over the config.
    const summary = await aero.run({ gpus: ['0', '1', '2'] });
    expect(summary.status).toBe('succeeded');
  });

  it('an inline action gets its devices in ctx.gpus, and a command run inline gets CUDA_VISIBLE_DEVICES', async () => {
    const seen: string[][] = [];
    const js = defineAction({
      name: 'js',
      resources: { gpus: 2 },
      run({ gpus, env }) {
        seen.push(gpus, [env.CUDA_VISIBLE_DEVICES ?? '']);
      },
    });
    const cmd = defineCommand({
      name: 'cmd',
      cmd: ['sh', '-c', 'printf "%s" "$CUDA_VISIBLE_DEVICES" > {outputs.out}'],
      outputs: { out: { handler: 'json', path: 'devices.txt' } },
      resources: { gpus: 1 },
    });
    const aero = await open([js, cmd]);
    const summary = await aero.run({ gpus: ['4', '7'], concurrency: 1 });
    expect(summary.status).toBe('succeeded');
    expect(seen).toEqual([['4', '7'], ['4,7']]);
    const digest = summary.record.actions.find((a) => a.id === 'cmd')!.outputs!.out!;
    const manifest = await aero.artifacts.getManifest('cmd.out', digest);
    const bytes = await aero.plugins.store.getBytes(`objects/sha256/${manifest.files[0]!.sha256.slice(0, 2)}/${manifest.files[0]!.sha256}`);
    expect(Buffer.from(bytes!).toString('utf8')).toMatch(/^[47]$/);
  });

  it('--gpus takes a count or device ids', () => {
    expect(parseGpusOption('2')).toEqual(['0', '1']);
    expect(parseGpusOption('0,3')).toEqual(['0', '3']);
    expect(parseGpusOption('0,,3')).toBeUndefined();
    expect(parseGpusOption('0 3')).toBeUndefined();
  });
});
