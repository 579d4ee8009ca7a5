import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, type Action, type AeroEvent } from '../src/index.js';
import { jsonHandler, memoryStore, squaresPipeline } from './fixtures.js';
import { journaledManifest } from './journal-helpers.js';

async function project(actions: Action[], params: Record<string, unknown> = {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-engine-'));
  const store = memoryStore();
  const config = defineConfig({ actions, params, plugins: [store, jsonHandler()] });
  return { cwd, store, open: (overrides: string[] = []) => createAero({ cwd, config, overrides }) };
}

describe('engine (embedded API, no CLI)', () => {
  let calls: string[] = [];
  const { source, square, total } = squaresPipeline((step) => calls.push(step));

  it('runs a partitioned pipeline, caches it, and reruns only what a param change touches', async () => {
    calls = [];
    const p = await project([source, square, total]);
    const aero = await p.open();
    const events: AeroEvent[] = [];
    aero.on((e) => events.push(e));
    const first = await aero.run({ concurrency: 2 });
    expect(first.status).toBe('succeeded');
    expect(first.counts).toMatchObject({ ran: 5, cached: 0 });
    expect(calls.sort()).toEqual(['source', 'square0', 'square1', 'square2', 'total']);
    const totalEntry = first.record.actions.find((a) => a.id === 'total')!;
    // Its manifest is journaled with its cache entry and readable by digest.
    expect(journaledManifest(p.store, totalEntry.outputs!.sum!)).toMatchObject({ name: 'total.sum' });
    expect((await (await p.open()).artifacts.getManifest('total.sum', totalEntry.outputs!.sum!)).files).toHaveLength(1);
    expect(events.filter((e) => e.type === 'action:metrics')).toHaveLength(3);
    expect(first.record.actions.find((a) => a.id === 'square[i=2]')).toMatchObject({ status: 'ran', partition: { i: 2 } });

    calls = [];
    const second = await (await p.open()).run();
    expect(second.counts).toMatchObject({ ran: 0, cached: 5 });
    expect(calls).toEqual([]);

    calls = [];
    const third = await (await p.open(['source.n=4'])).run();
    // source's output changes; squares see new input but equal values → same outputs → total cached.
    expect(third.counts).toMatchObject({ ran: 4, cached: 1 });
    expect(third.record.actions.find((a) => a.id === 'total')!.status).toBe('cached');
  });

  it('a dry run reports decisions without running or recording anything', async () => {
    calls = [];
    const p = await project([source, square, total]);
    const dry = await (await p.open()).run({ dryRun: true });
    expect(calls).toEqual([]);
    expect(dry.decisions.map((d) => `${d.instanceId}:${d.status}:${d.reason}`)).toContain('source:would-run:it has never run');
    expect(dry.decisions.find((d) => d.instanceId === 'total')!.reason).toMatch(/^input from `square\[i=\d\]` will be rebuilt$/);
    expect([...p.store.data.keys()].filter((k) => k.startsWith('runs/'))).toEqual([]);
  });

  it('an AbortSignal cancels running actions and the run is interrupted', async () => {
    const hang = defineAction({
      name: 'hang',
      async run({ signal }) {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    });
    const p = await project([hang]);
    const aero = await p.open();
    const controller = new AbortController();
    aero.on((e) => {
      if (e.type === 'action:start') setTimeout(() => controller.abort(), 10);
    });
    const summary = await aero.run({ signal: controller.signal });
    expect(summary.status).toBe('interrupted');
    expect(summary.record.actions[0]!.status).toBe('interrupted');
  });

  it('honours -j and resources.cpus: never more slots in use than allowed', async () => {
    let running = 0;
    let peak = 0;
    const mk = (name: string, cpus: number) =>
      defineAction({
        name,
        resources: { cpus },
        async run() {
          running += cpus;
          peak = Math.max(peak, running);
          await new Promise((r) => setImmediate(r));
          await new Promise((r) => setImmediate(r));
          running -= cpus;
        },
      });
    const p = await project([mk('a', 2), mk('b', 1), mk('c', 1), mk('d', 2)]);
    await (await p.open()).run({ concurrency: 2 });
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThan(0);
  });

  it('gives each GPU instance its own devices from the configured list', async () => {
    const gpu = defineAction({
      name: 'gpu',
      partitions: { k: [1, 2, 3] },
      resources: { gpus: 1 },
      run() {},
    });
    const cwd = await mkdtemp(join(tmpdir(), 'aero-gpu-'));
    const specs: string[] = [];
    const aero = await createAero({ cwd, config: defineConfig({ actions: [gpu], gpus: ['0', '1'], plugins: [memoryStore(), jsonHandler()] }) });
    const launcher = aero.launcher('inline');
    const submit = launcher.submit.bind(launcher);
    (launcher as { submit: typeof submit }).submit = (jobs, ctx) => {
      for (const j of jobs) specs.push(j.env.CUDA_VISIBLE_DEVICES!);
      return submit(jobs, ctx);
    };
    const summary = await aero.run({ concurrency: 2 });
    expect(summary.status).toBe('succeeded');
    // Three instances, two devices, two slots: the first two hold one device each at once.
    expect(specs).toHaveLength(3);
    expect(specs.every((d) => d === '0' || d === '1')).toBe(true);
    expect(new Set(specs.slice(0, 2))).toEqual(new Set(['0', '1']));
    const tooMany = defineAction({ name: 'big', resources: { gpus: 3 }, run() {} });
    const big = await createAero({ cwd, config: defineConfig({ actions: [tooMany], gpus: ['0'], plugins: [memoryStore(), jsonHandler()] }) });
    // Too few devices is found before anything runs (see gpus.test.ts).
    await expect(big.run()).rejects.toMatchObject({ code: 'PLAN_GPUS_UNAVAILABLE' });
  });
});

describe('cache key', () => {
  it('is the sha256 of the canonical JSON of its components (DESIGN.md), whatever the fast path', async () => {
    const { digestOf } = await import('../src/index.js');
    const a = defineAction({ name: 'k', partitions: { s: ['x', 'y'] }, params: z.object({ b: z.number().default(2), a: z.string().default('z') }), outputs: { o: { handler: 'json', path: '{s}/o.json' } }, run() {} });
    const cwd = await mkdtemp(join(tmpdir(), 'aero-key-'));
    const aero = await createAero({ cwd, config: defineConfig({ actions: [a], plugins: [memoryStore(), jsonHandler()] }) });
    const plan = aero.plan();
    for (const inst of plan.instances) {
      const { key, components } = await aero.cacheKey(inst, { in: ['d1', 'd2'] });
      expect(key).toBe(digestOf(components));
      expect(components).toMatchObject({ action: 'k', params: { a: 'z', b: 2 }, partition: inst.partition, inputs: { in: ['d1', 'd2'] } });
    }
  });
});

describe('pre-run checks', () => {
  it('reports unreadable deps of every action before running anything', async () => {
    let ran = false;
    const ok = defineAction({ name: 'ok', run: () => void (ran = true) });
    const a = defineAction({ name: 'a', deps: ['missing-a.txt'], run() {} });
    const b = defineAction({ name: 'b', deps: ['missing-b.txt'], run() {} });
    const p = await project([ok, a, b]);
    const aero = await p.open();
    await expect(aero.run()).rejects.toThrow(/The pipeline has 2 problems; nothing was run:\n {2}- Action `a` lists dependency `missing-a.txt`, which cannot be read\./);
    expect(ran).toBe(false);
    expect([...p.store.data.keys()].filter((k) => k.startsWith('runs/'))).toEqual([]);
  });
});

describe('params without a config loader', () => {
  it('resolve interpolations and take typed overrides', async () => {
    const a = defineAction({ name: 'a', params: z.object({ lr: z.number(), tag: z.string() }), run() {} });
    const cwd = await mkdtemp(join(tmpdir(), 'aero-params-'));
    const config = defineConfig({ actions: [a], params: { base: { lr: 0.1 }, a: { lr: '${base.lr}', tag: 'lr=${base.lr}' } }, plugins: [memoryStore(), jsonHandler()] });
    const aero = await createAero({ cwd, config, overrides: ['base.lr=0.5'] });
    expect(aero.plan().instances[0]!.params).toEqual({ lr: 0.5, tag: 'lr=0.5' });
    await expect(createAero({ cwd, config, overrides: ['a.lr=[1,2'] })).rejects.toThrow(/a\.lr=\[1,2/);
  });
});
