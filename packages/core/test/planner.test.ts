import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AeroAggregateError, defineAction, plan, splits, type AssetHandler, type InputRef } from '../src/index.js';
import { caught } from './caught.js';

const handler = (name: string, ext: string): AssetHandler => ({
  kind: 'handler',
  name,
  version: '1.0.0',
  extensions: [ext],
  read: async () => undefined,
  write: async () => undefined,
});
const handlers = new Map([['json', handler('json', 'json')], ['fits', handler('fits', 'fits')]]);
const noop = () => undefined;

/** A reference to an output by name, for wiring forward references (cycles). */
function ref(action: string, output: string): InputRef<false> {
  return { __aeroInput: true, action, output, gather: false, all: () => ({ ...ref(action, output), gather: true, all: () => ref(action, output).all() }) };
}

describe('planner', () => {
  const ingest = defineAction({ name: 'ingest', outputs: { data: { handler: 'json' } }, run: noop });
  const train = defineAction({
    name: 'train',
    group: 'model',
    type: 'train-model',
    params: z.object({ lr: z.number().positive().default(0.1), epochs: z.number().int().min(1) }),
    inputs: { data: ingest.output('data') },
    outputs: { model: { handler: 'json' } },
    run: noop,
  });

  it('builds the DAG from input references, with resolved params and default output paths', () => {
    const p = plan([train, ingest], { params: { train: { epochs: 3 } }, handlers });
    expect(p.instances.map((i) => i.id)).toEqual(['ingest', 'train']);
    const t = p.instances[1]!;
    expect(t.params).toEqual({ lr: 0.1, epochs: 3 });
    expect(t.deps).toEqual([0]);
    expect(t.outputs).toEqual({ model: { path: 'model.json', handler: 'json' } });
  });

  it('reports a cycle with its path', () => {
    const a = defineAction({ name: 'a', inputs: { x: ref('c', 'o') }, outputs: { o: { handler: 'json' } }, run: noop });
    const b = defineAction({ name: 'b', inputs: { x: ref('a', 'o') }, outputs: { o: { handler: 'json' } }, run: noop });
    const c = defineAction({ name: 'c', inputs: { x: ref('b', 'o') }, outputs: { o: { handler: 'json' } }, run: noop });
    const error = caught(() => plan([a, b, c], { params: {}, handlers }));
    expect(error.code).toBe('PLAN_CYCLE');
    expect(error.message).toBe('The pipeline has a cycle: a -> c -> b -> a.');
  });

  it('reports a missing producer action and a missing output', () => {
    const orphan = defineAction({ name: 'orphan', inputs: { x: ref('nowhere', 'o') }, run: noop });
    expect(caught(() => plan([orphan], { params: {}, handlers })).message).toBe('Input `x` of `orphan` needs `nowhere.o`, but no action `nowhere` exists.');
    const wrong = defineAction({ name: 'wrong', inputs: { x: ingest.output('nope') }, run: noop });
    const error = caught(() => plan([ingest, wrong], { params: {}, handlers }));
    expect(error.code).toBe('PLAN_MISSING_PRODUCER');
    expect(error.message).toBe('Input `x` of `wrong` needs output `nope` of `ingest`, which declares `data`.');
  });

  it('reports duplicate names', () => {
    const twin = defineAction({ name: 'ingest', run: noop });
    const error = caught(() => plan([ingest, twin], { params: {}, handlers }));
    expect(error.code).toBe('PLAN_DUPLICATE_ACTION');
    expect(error.message).toBe('Two actions are named `ingest`.');
  });

  it('reports an unknown handler and lists the known ones', () => {
    const a = defineAction({ name: 'a', outputs: { o: { handler: 'parquet' } }, run: noop });
    const error = caught(() => plan([a], { params: {}, handlers }));
    expect(error.code).toBe('PLAN_UNKNOWN_HANDLER');
    expect(error.message).toBe('Output `o` of `a` uses handler `parquet`, which is not installed (known: fits, json).');
  });

  it('reports params that fail their schema with dot paths and the file they came from', () => {
    const error = caught(() => plan([ingest, train], { params: { train: { lr: -1 } }, handlers, origins: { 'train.lr': 'conf/model/small.yaml' } }));
    expect(error).toBeInstanceOf(AeroAggregateError);
    expect(error.message).toContain('Param `train.lr` of `train`: Too small: expected number to be >0 (set in conf/model/small.yaml).');
    expect(error.message).toContain('Param `train.epochs` of `train`: Invalid input: expected number, received undefined.');
  });

  it('reports params given as a plain object (defaults where a zod schema belongs) as PLAN_INVALID_PARAMS', () => {
    const make = defineAction({ name: 'make', params: { n: 3 } as never, run: noop });
    const error = caught(() => plan([make], { params: {}, handlers }));
    expect(error.code).toBe('PLAN_INVALID_PARAMS');
    expect(error.message).toBe('Params of `make`: `params` is not a zod schema (got a plain object).');
    expect(error.hint).toMatch(/params: z\.object\(\{ n: z\.number\(\)\.default\(3\) \}\)/);
  });

  it('reports every problem at once', () => {
    const bad = defineAction({ name: 'bad', inputs: { x: ref('ghost', 'o') }, outputs: { o: { handler: 'hdf5' } }, run: noop });
    const error = caught(() => plan([ingest, train, bad], { params: { train: {} }, handlers })) as AeroAggregateError;
    expect(error.code).toBe('PLAN_INVALID');
    expect(error.issues.map((i) => i.code).sort()).toEqual(['PLAN_INVALID_PARAMS', 'PLAN_MISSING_PRODUCER', 'PLAN_UNKNOWN_HANDLER']);
    expect(error.message.split('\n')[0]).toBe('The pipeline has 3 problems; nothing was run:');
  });

  it('reports unknown template tags naming the action and template', () => {
    const sim = defineAction({ name: 'simulate', partitions: { split: ['train'] }, outputs: { map: { handler: 'fits', path: '{split}/{simulation:04d}/map.fits' } }, run: noop });
    const error = caught(() => plan([sim], { params: {}, handlers }));
    expect(error.code).toBe('PLAN_UNKNOWN_TEMPLATE_TAG');
    expect(error.message).toBe('Output `map` of `simulate` has path template `{split}/{simulation:04d}/map.fits` with unknown tag `{simulation}`.');
  });

  describe('partitions', () => {
    const simulate = defineAction({
      name: 'simulate',
      partitions: () => splits({ train: 3, test: 2 }),
      outputs: { map: { handler: 'fits', path: '{split}/{sim:04d}/map.fits' } },
      run: noop,
    });
    const preprocess = defineAction({
      name: 'preprocess',
      partitions: () => splits({ train: 3, test: 2 }),
      inputs: { map: simulate.output('map') },
      outputs: { arr: { handler: 'json' } },
      run: noop,
    });
    const perSplit = defineAction({
      name: 'evaluate',
      partitions: { split: ['train', 'test'] },
      inputs: { maps: preprocess.output('arr').all() },
      outputs: { report: { handler: 'json' } },
      run: noop,
    });

    it('expands into one instance per key with formatted output paths', () => {
      const p = plan([simulate], { params: {}, handlers });
      expect(p.instances.map((i) => i.id)).toEqual([
        'simulate[split=train,sim=0]', 'simulate[split=train,sim=1]', 'simulate[split=train,sim=2]', 'simulate[split=test,sim=0]', 'simulate[split=test,sim=1]',
      ]);
      expect(p.instances[4]!.outputs.map!.path).toBe('test/0001/map.fits');
    });

    it('maps inputs 1:1 on shared keys and gathers with .all() on shared keys', () => {
      const p = plan([simulate, preprocess, perSplit], { params: {}, handlers });
      const pre = p.instances.find((i) => i.id === 'preprocess[split=test,sim=1]')!;
      expect(pre.deps.map((d) => p.instances[d]!.id)).toEqual(['simulate[split=test,sim=1]']);
      const ev = p.instances.find((i) => i.id === 'evaluate[split=test]')!;
      expect(ev.inputs.maps!.producers.map((d) => p.instances[d]!.id)).toEqual(['preprocess[split=test,sim=0]', 'preprocess[split=test,sim=1]']);
    });

    it('asks for .all() when an input would match several partitions', () => {
      const summary = defineAction({ name: 'summary', inputs: { maps: simulate.output('map') }, run: noop });
      const error = caught(() => plan([simulate, summary], { params: {}, handlers }));
      expect(error.code).toBe('PLAN_PARTITION_MISMATCH');
      expect(error.message).toBe('Input `maps` of `summary` matches 5 instances of `simulate`.');
      expect(error.hint).toBe("Use `simulate.output('map').all()` to gather them, or partition `summary` by the same keys.");
    });

    it('--only selects partitions and keeps their upstream', () => {
      const p = plan([simulate, preprocess, perSplit], { params: {}, handlers, only: ['preprocess[split=test]'] });
      expect(p.instances.filter((i) => i.selected).map((i) => i.id)).toEqual(['preprocess[split=test,sim=0]', 'preprocess[split=test,sim=1]']);
      expect(p.instances.filter((i) => !i.selected).map((i) => i.id)).toEqual(['simulate[split=test,sim=0]', 'simulate[split=test,sim=1]']);
    });
  });

  it('partitions can depend on the action params (more simulations = more instances)', () => {
    const sim = defineAction({
      name: 'sim',
      params: z.object({ sims: z.record(z.string(), z.number().int()).default({ train: 2, test: 1 }) }),
      partitions: (p) => splits(p.sims),
      run: noop,
    });
    expect(plan([sim], { params: {}, handlers }).instances).toHaveLength(3);
    expect(plan([sim], { params: { sim: { sims: { train: 5, test: 1 } } }, handlers }).instances.map((i) => i.id).at(-2)).toBe('sim[split=train,sim=4]');
  });

  it('partition functions see the whole params tree as root, and .all(where) filters producers', () => {
    const sim = defineAction({ name: 'sim', partitions: (_p, { root }) => splits(root.sims as Record<string, number>), outputs: { o: { handler: 'json' } }, run: noop });
    const fit = defineAction({ name: 'fit', inputs: { train: sim.output('o').all({ split: 'train' }) }, run: noop });
    const p = plan([sim, fit], { params: { sims: { train: 3, test: 2 } }, handlers });
    expect(p.instances.filter((i) => i.action.name === 'sim')).toHaveLength(5);
    const f = p.instances.find((i) => i.id === 'fit')!;
    expect(f.inputs.train!.producers.map((d) => p.instances[d]!.id)).toEqual(['sim[split=train,sim=0]', 'sim[split=train,sim=1]', 'sim[split=train,sim=2]']);
    expect(f.params).toEqual({});
  });

  it('--only matches name, group, type and output name, and errors when nothing matches', () => {
    const byGroup = plan([ingest, train], { params: { train: { epochs: 1 } }, handlers, only: ['model'] });
    expect(byGroup.instances.filter((i) => i.selected).map((i) => i.id)).toEqual(['train']);
    const byOutput = plan([ingest, train], { params: { train: { epochs: 1 } }, handlers, only: ['data'] });
    expect(byOutput.instances.map((i) => i.id)).toEqual(['ingest']);
    const byType = plan([ingest, train], { params: { train: { epochs: 1 } }, handlers, only: ['train-model'] });
    expect(byType.instances.filter((i) => i.selected).map((i) => i.id)).toEqual(['train']);
    const error = caught(() => plan([ingest, train], { params: { train: { epochs: 1 } }, handlers, only: ['nope'] }));
    expect(error.code).toBe('PLAN_ONLY_NO_MATCH');
    expect(error.message).toBe('--only `nope`: no action, group, type or output is named `nope`.');
    expect(error.hint).toBe('Actions: ingest, train; groups: model; types: train-model; outputs: data, model.');
  });
});
