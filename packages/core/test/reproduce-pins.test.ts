import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, listArtifacts, listRuns, listTags, readTag, tagArtifact, type Action, type ConfigLoader } from '../src/index.js';
import { rejected } from './caught.js';
import { jsonHandler, memoryStore } from './fixtures.js';

/** ingest → prep(n) → train; `ran` hears each action that really ran. */
function pipeline(ran: string[]): Action[] {
  const ingest = defineAction({ name: 'ingest', version: '1', outputs: { raw: { handler: 'json' } }, async run({ outputs }) { ran.push('ingest'); await outputs.raw.write([1, 2, 3, 4, 5]); } });
  const prep = defineAction({
    name: 'prep', version: '1', params: z.object({ n: z.number().default(3) }), inputs: { raw: ingest.output('raw') }, outputs: { data: { handler: 'json' }, unused: { handler: 'json' } },
    async run({ params, inputs, outputs }) { ran.push('prep'); await outputs.data.write((await inputs.raw.read<number[]>()).slice(0, params.n)); await outputs.unused.write(0); },
  });
  const train = defineAction({
    name: 'train', version: '1', inputs: { data: prep.output('data') }, outputs: { model: { handler: 'json' } },
    async run({ inputs, outputs }) { ran.push('train'); const d = await inputs.data.read<number[]>(); await outputs.model.write({ sum: d.reduce((a, b) => a + b, 0) }); },
  });
  return [ingest, prep, train];
}

async function project() {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-pins-'));
  const store = memoryStore();
  const ran: string[] = [];
  const open = (overrides: string[] = [], use?: string[]) => createAero({ cwd, overrides, config: defineConfig({ actions: pipeline(ran), plugins: [store, jsonHandler()], ...(use ? { use } : {}) }) });
  return { store, ran, open };
}

describe('tags', () => {
  it('names the newest version, records every move, and refuses names that read as something else', async () => {
    const { store, open } = await project();
    const aero = await open();
    const first = await aero.run();
    const created = await tagArtifact(aero, 'prep.data', 'best', new Date('2026-01-01T00:00:00Z'));
    expect(created.change).toBe('created');
    expect(created.record.versions.map((v) => v.digest)).toEqual([first.record.actions.find((a) => a.id === 'prep')!.outputs!.data]);
    expect((await tagArtifact(aero, 'prep.data', 'best')).change).toBe('unchanged');

    const other = await (await open(['prep.n=5'])).run();
    const moved = await tagArtifact(await open(), `prep.data@${other.runId}`, 'best', new Date('2026-01-02T00:00:00Z'));
    expect(moved.change).toBe('moved');
    expect(moved.previous).toEqual(created.record.versions.map((v) => v.digest));
    const record = (await readTag(store, 'prep.data', 'best'))!;
    expect(record.history.map((h) => [h.at, h.previous === null ? null : h.previous.length])).toEqual([['2026-01-01T00:00:00.000Z', null], ['2026-01-02T00:00:00.000Z', 1]]);
    expect((await listTags(store)).map((t) => `${t.artifact}@${t.tag}`)).toEqual(['prep.data@best']);

    expect((await rejected(tagArtifact(aero, 'prep.data', 'cafe'))).message).toBe('`cafe` cannot be a tag: it would read as a digest prefix (only hex letters).');
    expect((await rejected(tagArtifact(aero, 'prep.data', 'latest'))).code).toBe('TAG_INVALID');
    const typo = await rejected(tagArtifact(aero, 'prep.dat', 'x1'));
    expect(typo.code).toBe('PIN_UNKNOWN_OUTPUT');
    expect(typo.hint).toBe('Did you mean `prep.data`?');
  });
});

describe('--use pins', () => {
  it('feeds the pinned version to every consumer; the producer and what only it needed do not run', async () => {
    const { ran, open } = await project();
    const base = await (await open(['prep.n=2'])).run();
    await tagArtifact(await open(), 'prep.data', 'small');
    await (await open(['prep.n=4'])).run();
    ran.length = 0;
    // --force: whatever is in the plan runs again; the pinned producer is not in it.
    const pinned = await (await open(['prep.n=4'])).run({ use: ['prep.data@small'], force: true });
    expect(pinned.status).toBe('succeeded');
    expect(ran).toEqual(['train']);
    // train read the two pinned values (1 + 2), not the four prep.n=4 would make.
    expect(pinned.record.actions.find((a) => a.id === 'train')!.outputs).toEqual(base.record.actions.find((a) => a.id === 'train')!.outputs);
    expect(pinned.record.pins).toEqual([expect.objectContaining({ spec: 'prep.data@small', artifact: 'prep.data', via: 'tag', label: 'prep.data@small' })]);
    const standIn = pinned.record.actions.find((a) => a.id === 'prep.data@small')!;
    expect(standIn).toMatchObject({ status: 'cached', reason: 'pinned by --use prep.data@small', outputs: { data: base.record.actions.find((a) => a.id === 'prep')!.outputs!.data } });
    expect(pinned.record.actions.map((a) => a.id)).toEqual(['prep.data@small', 'train']);
    expect(pinned.record.actions.find((a) => a.id === 'train')!.inputs).toEqual({ data: [standIn.outputs!.data] });
  });

  it('a config `use:` pins too, and the same model comes from the cache as in the run it was tagged from', async () => {
    const { ran, open } = await project();
    const base = await (await open(['prep.n=2'])).run();
    ran.length = 0;
    const again = await (await open(['prep.n=4'], [`prep.data@${base.runId}`])).run();
    expect(ran).toEqual([]);
    expect(again.record.actions.find((a) => a.id === 'train')!.outputs).toEqual(base.record.actions.find((a) => a.id === 'train')!.outputs);
  });

  it('a config loader\'s `use` (YAML `use:`) pins like the config\'s', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-pins-loader-'));
    const store = memoryStore();
    const ran: string[] = [];
    const loader = (use: string[]): ConfigLoader => ({ kind: 'config', name: 'use-list', version: '1.0.0', load: async ({ base }) => ({ params: base, sources: [], use }) });
    const open = (use: string[]) => createAero({ cwd, config: defineConfig({ actions: pipeline(ran), params: { prep: { n: 2 } }, plugins: [store, jsonHandler(), loader(use)] }) });
    const base = await (await open([])).run();
    ran.length = 0;
    const pinned = await (await open([`prep.data@${base.runId}`])).run({ force: true });
    expect(ran).toEqual(['train']);
    expect(pinned.record.pins!.map((p) => p.spec)).toEqual([`prep.data@${base.runId}`]);
  });

  it('refuses an unknown tag, an ambiguous prefix, an output nobody reads and an unknown output, all before anything runs', async () => {
    const { ran, open } = await project();
    await (await open(['prep.n=2'])).run();
    await (await open(['prep.n=3'])).run();
    await tagArtifact(await open(), 'prep.data', 'best');
    ran.length = 0;
    const aero = await open();
    const unknown = await rejected(aero.run({ use: ['prep.data@bets'] }));
    expect(unknown.code).toBe('PIN_UNKNOWN_TAG');
    expect(unknown.message).toBe('--use prep.data@bets: no tag, run or version of prep.data is called `bets`.');
    expect(unknown.hint).toBe('Did you mean `prep.data@best`?');
    const notRead = await rejected(aero.run({ use: ['prep.unused@latest'] }));
    expect(notRead.code).toBe('PIN_NOT_CONSUMED');
    expect(notRead.message).toBe('--use `prep.unused@latest`: no action takes prep.unused as an input, so pinning it changes nothing.');
    const noOutput = await rejected(aero.run({ use: ['prep.dta@best'] }));
    expect(noOutput).toMatchObject({ code: 'PIN_UNKNOWN_OUTPUT', message: '--use `prep.dta@best`: action `prep` has no output `dta`.', hint: 'Did you mean `prep.data`?' });
    // Two runs made two versions of prep.data; the start their run ids share names both.
    const runs = await listRuns(aero);
    const shared = runs[0]!.id.slice(0, 9); // `YYYYMMDD-`
    expect(runs[1]!.id.startsWith(shared)).toBe(true);
    const ambiguous = await rejected(aero.run({ use: [`prep.data@${shared}`] }));
    expect(ambiguous.code).toBe('PIN_AMBIGUOUS');
    expect(ambiguous.message).toBe(`--use prep.data@${shared} is ambiguous: it matches run ${runs[0]!.id}, run ${runs[1]!.id}.`);
    const digests = (await listArtifacts(aero, 'prep.data')).map((a) => a.digest);
    const both = await rejected(aero.run({ use: ['prep.data@bets', 'prep.unused@latest'] }));
    expect(both.message).toBe('--use has 2 problems; nothing was run:\n  - --use prep.data@bets: no tag, run or version of prep.data is called `bets`. (Did you mean `prep.data@best`?)\n  - --use `prep.unused@latest`: no action takes prep.unused as an input, so pinning it changes nothing. (Pin an output some action reads; `aero graph` shows which outputs feed which actions.)');
    const prefix = digests[0]!.slice(0, 8);
    const byDigest = await aero.run({ use: [`prep.data@${prefix}`], dryRun: true });
    expect(byDigest.record.pins![0]!.versions[0]!.digest).toBe(digests[0]);
    expect(ran).toEqual([]);
  });

  it('refuses a pin without a version, one output pinned twice, and a pinned version missing a consumer partition', async () => {
    const { open } = await project();
    await (await open()).run();
    const aero = await open();
    const noVersion = await rejected(aero.run({ use: ['prep.data'] }));
    expect(noVersion).toMatchObject({ code: 'PIN_INVALID', message: '--use `prep.data` names no version.', hint: 'Add @<tag|digest-prefix|run-id>, e.g. --use prep.data@latest for the newest.' });
    const twice = await rejected(aero.run({ use: ['prep.data@latest', 'prep.data@x1'] }));
    expect(twice).toMatchObject({ code: 'PIN_INVALID', message: '--use pins prep.data twice: `prep.data@latest` and `prep.data@x1`.' });

    const cwd = await mkdtemp(join(tmpdir(), 'aero-pins-parts-'));
    const store = memoryStore();
    const make = defineAction({ name: 'make', version: '1', partitions: { split: ['a', 'b'] }, outputs: { v: { handler: 'json' } }, async run({ partition, outputs }) { await outputs.v.write(partition!.split); } });
    const use = defineAction({ name: 'use', version: '1', partitions: { split: ['a', 'b'] }, inputs: { v: make.output('v') }, outputs: { w: { handler: 'json' } }, async run({ inputs, outputs }) { await outputs.w.write(await inputs.v.read()); } });
    const parted = () => createAero({ cwd, config: defineConfig({ actions: [make, use], plugins: [store, jsonHandler()] }) });
    const first = await (await parted()).run();
    const aDigest = first.record.actions.find((e) => e.id === 'make[split=a]')!.outputs!.v!;
    const missing = await rejected((await parted()).run({ use: [`make.v@${aDigest.slice(0, 10)}`] }));
    expect(missing.code).toBe('PIN_PARTITIONS_MISSING');
    expect(missing.message).toBe('Input `v` of `use[split=b]` needs a version of make.v for its partition, and the pin has none.');
    // A run pins every partition it produced.
    const all = await (await parted()).run({ use: [`make.v@${first.runId}`] });
    expect(all.record.actions.map((e) => e.id)).toEqual([`make.v@${first.runId}[split=a]`, `make.v@${first.runId}[split=b]`, 'use[split=a]', 'use[split=b]']);
  });
});

