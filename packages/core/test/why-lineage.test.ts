import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, lineage, why, type Action } from '../src/index.js';
import { jsonHandler, memoryStore } from './fixtures.js';
import { dropEntry, journalEntries } from './journal-helpers.js';

/** prepare(k) → fit(k), both with a param `k`; `version` lets a test change the code identity. */
function pipeline(version = '1') {
  const prepare = defineAction({
    name: 'prepare',
    version,
    params: z.object({ k: z.number().default(1) }),
    outputs: { data: { handler: 'json' } },
    async run({ outputs }) {
      await outputs.data.write([1, 2, 3]);
    },
  });
  const fit = defineAction({
    name: 'fit',
    version: '1',
    params: z.object({ k: z.number().default(1) }),
    inputs: { data: prepare.output('data') },
    outputs: { model: { handler: 'json' } },
    async run({ params, inputs, outputs }) {
      await outputs.model.write((await inputs.data.read<number[]>()).map((v) => v * params.k));
    },
  });
  return [prepare, fit] as Action[];
}

async function project() {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-why-'));
  const store = memoryStore();
  const open = (params: Record<string, unknown> = {}, version = '1') => createAero({ cwd, config: defineConfig({ actions: pipeline(version), params, plugins: [store, jsonHandler()] }) });
  return { store, open };
}

/** The cache key of the entry `runId` journaled for an instance. */
function entryOf(store: { data: Map<string, Buffer> }, runId: string, instanceId: string): string {
  const found = journalEntries(store).find((e) => e.entry.instanceId === instanceId && e.entry.runId === runId);
  if (!found) throw new Error(`no entry of ${instanceId} from run ${runId}`);
  return found.entry.key;
}

describe('aero why names every cause', () => {
  it('an instance whose own params changed while its upstream reruns shows both', async () => {
    const p = await project();
    await (await p.open()).run();
    const [report] = await why(await p.open({ prepare: { k: 2 }, fit: { k: 3 } }), 'fit');
    expect(report).toEqual({
      instanceId: 'fit',
      decision: 'blocked',
      reasons: ['params changed (k: 1 → 3)', 'upstream `prepare` will run first, so its output (an input here) is not known yet'],
    });
  });

  it('a missing cache entry is the cause, not an older run’s change', async () => {
    const p = await project();
    await (await p.open()).run();
    const second = await (await p.open({ prepare: { k: 2 } })).run();
    const key = entryOf(p.store, second.runId, 'prepare');
    dropEntry(p.store, key);
    const [report] = await why(await p.open({ prepare: { k: 2 } }), 'prepare');
    expect(report).toEqual({
      instanceId: 'prepare',
      decision: 'would-run',
      cacheKey: key,
      reasons: [
        `its cache entry (key ${key.slice(0, 12)}, used by run ${second.runId}) is missing from the store (a cache pack still lists the key, but a pack alone is no hit)`,
        'the next run reruns it and rewrites what is missing',
      ],
    });
  });

  it('a cached instance says what backs the hit', async () => {
    const p = await project();
    const first = await (await p.open()).run();
    const [report] = await why(await p.open(), 'prepare');
    expect(report!.decision).toBe('cached');
    expect(report!.reasons).toEqual([`cache key ${report!.cacheKey!.slice(0, 12)} found (written by run ${first.runId}) with its manifests and all its blobs in the store`]);
  });
});

describe('aero lineage', () => {
  it('names the newest producer of an artifact that two code versions produced alike', async () => {
    const p = await project();
    const first = await (await p.open({}, '1')).run();
    const second = await (await p.open({}, '2')).run();
    expect(second.counts).toMatchObject({ ran: 1, cached: 1 }); // same output: fit stays cached
    expect(second.record.actions.find((a) => a.id === 'prepare')!.outputs).toEqual(first.record.actions.find((a) => a.id === 'prepare')!.outputs);
    const node = await lineage(await p.open({}, '2'), 'prepare.data');
    expect(node.producedBy).toMatchObject({ instanceId: 'prepare', runId: second.runId });
    // fit's entry still names the first run (it was cached since), and its input is the same artifact.
    const model = await lineage(await p.open({}, '2'), 'fit.model');
    expect(model.producedBy).toMatchObject({ runId: first.runId });
    expect(model.inputs.map((i) => [i.artifact, i.producedBy?.runId])).toEqual([['prepare.data', second.runId]]);
  });
});

describe('why of a mistyped action', () => {
  it('names the nearest action with a command that works, then lists them all', async () => {
    const p = await project();
    const aero = await p.open();
    await expect(why(aero, 'fti')).rejects.toMatchObject({
      code: 'ACTION_NOT_FOUND',
      message: 'No action `fti` in this pipeline.',
      hint: 'Did you mean `fit`? aero why fit. Actions: prepare, fit.',
    });
    await expect(why(aero, 'zzzzzz')).rejects.toMatchObject({ code: 'ACTION_NOT_FOUND', hint: 'Actions: prepare, fit.' });
    expect((await why(aero, 'fit')).map((r) => r.instanceId)).toEqual(['fit']);
  });
});
