import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AeroAggregateError, createAero, defineAction, defineCommand, defineConfig, loadConfigFile, plan, type Action, type PartitionSpec } from '../src/index.js';
import { checkConfigKeys } from '../src/config-file.js';
import { caught, rejected } from './caught.js';
import { jsonHandler, memoryStore } from './fixtures.js';

const handlers = new Map([['json', jsonHandler()]]);
const noop = () => undefined;

/** An action `a` with these resources, as a config loaded without type checking can give them. */
const withResources = (resources: unknown): Action => defineAction({ name: 'a', resources: resources as Record<string, number>, run: noop });
const planError = (actions: Action[]) => caught(() => plan(actions, { params: {}, handlers }), 'plan() to throw');

const CPUS_RULE = '`cpus` takes a whole number of at least 1: the CPU slots an instance holds while it runs, out of `-j`.';
const GPUS_RULE = '`gpus` takes a whole number of at least 0: the GPUs each instance gets.';

describe('resources are checked at plan time, each value with its dot path (CONFIG_INVALID)', () => {
  it.each([
    ['NaN, as Number(process.env.CPUS) gives when CPUS is unset', Number.NaN, 'NaN (what `Number()` gives for an unset or non-numeric value)'],
    ['a string', 'abc', '"abc"'],
    ['a negative number', -1, '-1'],
    ['zero', 0, '0'],
    ['a fraction', 1.5, '1.5'],
    ['null', null, 'null'],
  ])('cpus: %s is refused', (_name, cpus, shown) => {
    const error = planError([withResources({ cpus })]);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`\`actions.a.resources.cpus\` is ${shown}; ${CPUS_RULE}`);
    expect(error.hint).toBe('Set `resources: { cpus: 2 }` on `a`, or leave `cpus` out for 1 slot.');
    expect(error.details).toMatchObject({ path: 'actions.a.resources.cpus' });
  });

  it.each([
    ['a string', 'x', '"x"'],
    ['NaN', Number.NaN, 'NaN (what `Number()` gives for an unset or non-numeric value)'],
    ['a negative number', -1, '-1'],
    ['a fraction', 0.5, '0.5'],
  ])('gpus: %s is refused', (_name, gpus, shown) => {
    const error = planError([withResources({ gpus })]);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`\`actions.a.resources.gpus\` is ${shown}; ${GPUS_RULE}`);
    expect(error.hint).toBe('Set `resources: { gpus: 1 }` on `a`, or leave `gpus` out for none.');
  });

  it('memoryMb and timeMinutes are checked too, and every problem is listed at once', () => {
    const error = planError([withResources({ memoryMb: 1.5, timeMinutes: 0 }), defineAction({ name: 'b', resources: { cpus: Number.NaN }, run: noop })]) as AeroAggregateError;
    expect(error.code).toBe('PLAN_INVALID');
    expect(error.issues.map((i) => [i.code, i.message, i.hint])).toEqual([
      ['CONFIG_INVALID', '`actions.a.resources.memoryMb` is 1.5; `memoryMb` takes a whole number of megabytes, at least 1.', 'Set `resources: { memoryMb: 4096 }` on `a`, or leave `memoryMb` out for the launcher\'s default.'],
      ['CONFIG_INVALID', '`actions.a.resources.timeMinutes` is 0; `timeMinutes` takes a number of minutes above 0: the time limit of each instance.', 'Set `resources: { timeMinutes: 30 }` on `a`, or leave `timeMinutes` out for no limit.'],
      ['CONFIG_INVALID', `\`actions.b.resources.cpus\` is NaN (what \`Number()\` gives for an unset or non-numeric value); ${CPUS_RULE}`, 'Set `resources: { cpus: 2 }` on `b`, or leave `cpus` out for 1 slot.'],
    ]);
  });

  it('a misspelled key is refused with the nearest keys and the line to write', () => {
    const error = planError([withResources({ cpu: 2 })]);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('`actions.a.resources.cpu` is not a resources key (it is 2): core reads `cpus`, `gpus`, `memoryMb`, `timeMinutes`, and a launcher reads its settings from an object under its name (`slurm: {...}`, `docker: {...}`).');
    expect(error.hint).toBe('Did you mean `cpus` or `gpus`? resources: { cpus: 2 }');
    expect(caught(() => plan([withResources({ timeMinute: 5 })], { params: {}, handlers })).hint).toBe('Did you mean `timeMinutes`? resources: { timeMinutes: 5 }');
  });

  it('an unknown key nothing is close to says where launcher settings go', () => {
    const error = planError([withResources({ queue: 'long' })]);
    expect(error.message).toBe('`actions.a.resources.queue` is not a resources key (it is "long"): core reads `cpus`, `gpus`, `memoryMb`, `timeMinutes`, and a launcher reads its settings from an object under its name (`slurm: {...}`, `docker: {...}`).');
    expect(error.hint).toBe('Remove `queue` from the resources of `a`, or move it into the settings object of the launcher that reads it.');
  });

  it('valid values, keys left undefined and launcher settings objects are accepted', () => {
    const ok = [
      withResources({ cpus: 4, gpus: 0, memoryMb: 4096, timeMinutes: 0.5 }),
      defineAction({ name: 'b', resources: { cpus: undefined, gpus: 2, slurm: { partition: 'gpu' }, docker: { image: 'python:3.12' } }, run: noop }),
      defineCommand({ name: 'c', cmd: ['true'], resources: { cpus: 1 } }),
      defineAction({ name: 'd', run: noop }),
    ];
    expect(plan(ok, { params: {}, handlers }).instances.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a defineCommand is checked like an action', () => {
    const error = planError([defineCommand({ name: 'cmd', cmd: ['true'], resources: { cpus: 'two' as unknown as number } })]);
    expect(error.message).toBe(`\`actions.cmd.resources.cpus\` is "two"; ${CPUS_RULE}`);
  });

  it('resources that are not an object are refused when the action is defined (they would vanish in the defaults)', () => {
    const error = caught(() => withResources(2), 'defineAction() to throw');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('`actions.a.resources` is 2; `resources` is an object like { cpus: 2, gpus: 1 }.');
    expect(error.hint).toBe('Give `a` resources: { cpus: <slots>, gpus: <count> }, or leave `resources` out (1 CPU slot, no GPU).');
    expect(caught(() => withResources('4')).message).toBe('`actions.a.resources` is "4"; `resources` is an object like { cpus: 2, gpus: 1 }.');
  });

  it('through createAero + run(): a NaN cpus fails before anything runs, a dry run included, and writes no run', async () => {
    let ran = 0;
    const work = defineAction({ name: 'work', resources: { cpus: Number(process.env['AERO_TEST_UNSET_CPUS']) }, outputs: { o: { handler: 'json' } }, run: () => void ran++ });
    const store = memoryStore();
    const aero = await createAero({ cwd: await mkdtemp(join(tmpdir(), 'aero-resources-')), config: defineConfig({ actions: [work], plugins: [store, jsonHandler()] }) });
    for (const options of [{}, { dryRun: true }]) {
      const error = await rejected(aero.run(options), 'run() to reject');
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toBe(`\`actions.work.resources.cpus\` is NaN (what \`Number()\` gives for an unset or non-numeric value); ${CPUS_RULE}`);
    }
    expect(ran).toBe(0);
    expect([...store.data.keys()].filter((k) => k.startsWith('runs/'))).toEqual([]);
    await aero.close();
  });
});

describe('concurrency in defineConfig is a whole number >= 1, as -j is (CONFIG_INVALID)', () => {
  it.each([
    ['a string', 'abc', '"abc"'],
    ['zero', 0, '0'],
    ['NaN', Number.NaN, 'NaN'],
    ['a fraction', 2.5, '2.5'],
  ])('%s is refused', (_name, concurrency, shown) => {
    const error = caught(() => checkConfigKeys({ actions: [], concurrency }, 'aero.config.ts'), 'checkConfigKeys() to throw');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`aero.config.ts: \`concurrency\` is ${shown}; it takes a whole number of at least 1 (how many CPU slots run at once, as \`-j\`).`);
    expect(error.hint).toBe('Set `concurrency: 4` in defineConfig({...}), or leave it out for the number of CPUs; `aero run -j 4` overrides it.');
    expect(error.details).toMatchObject({ path: 'concurrency' });
  });

  it('is listed with unknown keys, all at once', () => {
    const error = caught(() => checkConfigKeys({ actions: [], concurrency: 0, paramz: {} }, 'aero.config.ts')) as AeroAggregateError;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message.split('\n')[0]).toBe('aero.config.ts has 2 problems:');
    expect(error.issues.map((i) => i.code)).toEqual(['CONFIG_UNKNOWN_KEY', 'CONFIG_INVALID']);
  });

  it('a whole number is accepted', () => {
    expect(() => checkConfigKeys({ actions: [], concurrency: 3 }, 'aero.config.ts')).not.toThrow();
  });

  it('is checked when aero.config is loaded from a file and when a config is passed to createAero', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-concurrency-'));
    const file = join(cwd, 'aero.config.mjs');
    await writeFile(file, "export default { actions: [], concurrency: 'abc' };\n");
    const loaded = await rejected(loadConfigFile(file), 'loadConfigFile() to reject');
    expect(loaded.message).toBe(`${file}: \`concurrency\` is "abc"; it takes a whole number of at least 1 (how many CPU slots run at once, as \`-j\`).`);
    const embedded = await rejected(createAero({ cwd, config: defineConfig({ actions: [], concurrency: 0, plugins: [memoryStore()] }) }), 'createAero() to reject');
    expect(embedded.message).toBe('the config passed to createAero: `concurrency` is 0; it takes a whole number of at least 1 (how many CPU slots run at once, as `-j`).');
  });
});

describe('two partitions that make the same instance are refused at plan time (PLAN_PARTITION_INVALID)', () => {
  const partitioned = (partitions: PartitionSpec) => defineAction({ name: 'w', partitions, outputs: { o: { handler: 'json' } }, run: noop });
  const HINT = "Give each partition values of its own: a number and a string that print alike (1 and '1') make one instance; remove keys listed twice.";

  it('a number and a string that print alike: one id, named with the keys as given', () => {
    const error = planError([partitioned({ i: [1, '1'] })]);
    expect(error.code).toBe('PLAN_PARTITION_INVALID');
    expect(error.message).toBe('Partitions of `w`: partitions 0 and 1 ({"i":1} and {"i":"1"}) both make the instance `w[i=1]`. Each partition must make an instance of its own.');
    expect(error.hint).toBe(HINT);
  });

  it('a key listed twice in an explicit list, or returned twice by a function', () => {
    expect(planError([partitioned([{ k: 'x' }, { k: 'y' }, { k: 'x' }])]).message).toBe('Partitions of `w`: partitions 0 and 2 (each {"k":"x"}) both make the instance `w[k=x]`. Each partition must make an instance of its own.');
    expect(planError([partitioned(() => [{ k: 'x' }, { k: 'x' }, { k: 'x' }])]).message).toBe('Partitions of `w`: partitions 0, 1 and 2 (each {"k":"x"}) all make the instance `w[k=x]`. Each partition must make an instance of its own.');
  });

  it('the same keys in another order are one partition', () => {
    expect(planError([partitioned([{ a: 1, b: 2 }, { b: 2, a: 1 }])]).message).toBe('Partitions of `w`: partitions 0 and 1 ({"a":1,"b":2} and {"b":2,"a":1}) are one partition, its keys in other orders (`w[a=1,b=2]`, `w[b=2,a=1]`). Each partition must make an instance of its own.');
  });

  it('ids that differ only in a character a folder name replaces share one log folder', () => {
    expect(planError([partitioned([{ k: 'a b' }, { k: 'a_b' }])]).message).toBe('Partitions of `w`: partitions 0 and 1 ({"k":"a b"} and {"k":"a_b"}) make `w[k=a b]` and `w[k=a_b]`, which share the folder `w[k=a_b]`. Each partition must make an instance of its own.');
  });

  it('many repeats are summed up, not listed one by one', () => {
    const keys = Array.from({ length: 48 }, (_, i) => ({ sim: i % 8 }));
    expect(planError([partitioned(keys)]).message).toBe(
      'Partitions of `w`: partitions 0, 8, 16, 24, 32 and 1 more (each {"sim":0}) all make the instance `w[sim=0]`; partitions 1, 9, 17, 25, 33 and 1 more (each {"sim":1}) all make the instance `w[sim=1]`; partitions 2, 10, 18, 26, 34 and 1 more (each {"sim":2}) all make the instance `w[sim=2]`; 5 more instances are made more than once. Each partition must make an instance of its own.',
    );
  });

  it('distinct partitions keep their ids, folders and order', () => {
    const planned = plan([partitioned({ split: ['train', 'test'], sim: [0, 1] })], { params: {}, handlers });
    expect(planned.instances.map((i) => [i.id, i.dir])).toEqual([
      ['w[split=train,sim=0]', 'w[split=train,sim=0]'],
      ['w[split=train,sim=1]', 'w[split=train,sim=1]'],
      ['w[split=test,sim=0]', 'w[split=test,sim=0]'],
      ['w[split=test,sim=1]', 'w[split=test,sim=1]'],
    ]);
    expect(plan([partitioned([{ k: 'a b' }])], { params: {}, handlers }).instances[0]).toMatchObject({ id: 'w[k=a b]', dir: 'w[k=a_b]' });
  });

  it('through createAero + run(): nothing runs', async () => {
    let ran = 0;
    const w = defineAction({ name: 'w', partitions: { i: [1, '1'] }, outputs: { o: { handler: 'json' } }, run: ({ outputs }) => outputs.o.write(++ran) });
    const store = memoryStore();
    const aero = await createAero({ cwd: await mkdtemp(join(tmpdir(), 'aero-dup-')), config: defineConfig({ actions: [w], plugins: [store, jsonHandler()] }) });
    expect(await rejected(aero.run())).toMatchObject({ code: 'PLAN_PARTITION_INVALID', details: { action: 'w', instances: ['w[i=1]'] } });
    expect(ran).toBe(0);
    expect([...store.data.keys()].filter((k) => k.startsWith('runs/'))).toEqual([]);
    await aero.close();
  });
});

describe('params of an action without a params schema: its whole part of the tree is read, by design', () => {
  it('`c.foo=1` reaches ctx.params of a schema-less `c` (and so reruns it); under an action with a schema it is PLAN_UNKNOWN_PARAM', async () => {
    const seen: unknown[] = [];
    const c = defineAction({ name: 'c', outputs: { o: { handler: 'json' } }, run: async ({ params, outputs }) => { seen.push(params); await outputs.o.write(1); } });
    const typed = defineAction({ name: 't', params: z.object({ lr: z.number().default(0.1) }), outputs: { o: { handler: 'json' } }, run: ({ outputs }) => outputs.o.write(1) });
    const cwd = await mkdtemp(join(tmpdir(), 'aero-schemaless-'));
    const store = memoryStore();
    const open = (overrides: string[]) => createAero({ cwd, config: defineConfig({ actions: [c, typed], plugins: [store, jsonHandler()] }), overrides });
    expect((await (await open([])).run()).counts).toMatchObject({ ran: 2 });
    const changed = await (await open(['c.foo=1'])).run();
    expect(Object.fromEntries(changed.decisions.map((d) => [d.instanceId, d.status]))).toEqual({ c: 'ran', t: 'cached' });
    expect(seen).toEqual([{}, { foo: 1 }]);
    const refused = await rejected((await open(['t.foo=1'])).run());
    expect(refused.code).toBe('PLAN_UNKNOWN_PARAM');
    expect(refused.message).toBe('Unknown param `t.foo` (set on the command line): no action reads it.');
  });
});
