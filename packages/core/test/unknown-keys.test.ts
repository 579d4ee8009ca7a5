import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AeroAggregateError, AeroError, applyOverrides, createAero, defineAction, defineConfig, loadConfigFile, plan, splits } from '../src/index.js';
import { checkConfigKeys } from '../src/config-file.js';
import { jsonHandler, memoryStore } from './fixtures.js';
import { caught } from './caught.js';

const handlers = new Map([['json', jsonHandler()]]);
const noop = () => undefined;

const train = defineAction({
  name: 'train',
  params: z.object({
    lr: z.number().positive().default(0.1),
    epochs: z.number().int().min(1).default(3),
    model: z.object({ depth: z.number().default(2), width: z.number().default(8) }).default({ depth: 2, width: 8 }),
    layers: z.array(z.object({ units: z.number() })).default([]),
  }),
  outputs: { model: { handler: 'json' } },
  run: noop,
});
const report = defineAction({ name: 'report', outputs: { text: { handler: 'json' } }, run: noop });
const toHealpix = defineAction({ name: 'to_healpix', params: z.object({ ordering: z.enum(['RING', 'NESTED']).default('RING') }), outputs: { map: { handler: 'json' } }, run: noop });

function planError(params: Record<string, unknown>, options: { origins?: Record<string, string>; references?: string[] } = {}): AeroError {
  return caught(() => plan([train, report, toHealpix], { params, handlers, ...options }), 'plan() to throw');
}

/** What the CLI does without a config loader: overrides applied to the config's params. */
function fromCli(overrides: string[], base: Record<string, unknown> = {}) {
  const origins: Record<string, string> = {};
  return { params: applyOverrides(base, overrides, { strict: false, origins }), origins };
}

describe('unknown params are refused at plan time (PLAN_UNKNOWN_PARAM)', () => {
  it.each([
    ['a misspelled key under an action names the key, the nearest valid one and a command that works', 'train.lrr'],
    ['a misspelled action name suggests the key under the right action', 'trian.lr'],
  ])('%s', (_name, key) => {
    const { params, origins } = fromCli([`${key}=0.5`]);
    const error = planError(params, { origins });
    expect(error.code).toBe('PLAN_UNKNOWN_PARAM');
    expect(error.message).toBe(`Unknown param \`${key}\` (set on the command line): no action reads it.`);
    // `train.lr` is only a schema default (not in the params tree), so the command adds it with `+`.
    expect(error.hint).toBe('Did you mean `train.lr`? aero run +train.lr=0.5');
  });

  it('the hinted key is written without `+` when it is already in the params tree', () => {
    const { params, origins } = fromCli(['+train.lrr=0.5'], { train: { lr: 0.2 } });
    expect(planError(params, { origins }).hint).toBe('Did you mean `train.lr`? aero run train.lr=0.5');
  });

  it('the hinted command really works: applied to the same params it plans and sets the value', () => {
    const base = { train: { epochs: 2 } };
    const bad = fromCli(['train.lrr=0.5'], base);
    const hint = planError(bad.params, { origins: bad.origins }).hint!;
    const hinted = hint.slice(hint.indexOf('aero run ') + 'aero run '.length).split(' ');
    const good = fromCli(hinted, base);
    const planned = plan([train, report, toHealpix], { params: good.params, handlers, origins: good.origins });
    expect((planned.instances.find((i) => i.id === 'train')!.params as { lr: number }).lr).toBe(0.5);
  });

  it('nested objects and list elements are checked against the schema too', () => {
    const error = planError({ train: { model: { dpth: 4 }, layers: [{ units: 3, unts: 4 }] } }) as AeroAggregateError;
    expect(error.code).toBe('PLAN_INVALID');
    expect(error.issues.map((i) => i.message)).toEqual([
      'Unknown param `train.model.dpth` (set in `params` of aero.config.ts): no action reads it.',
      'Unknown param `train.layers.0.unts` (set in `params` of aero.config.ts): no action reads it.',
    ]);
    expect(error.issues[0]!.hint).toBe('Did you mean `train.model.depth`? Rename it in `params` of aero.config.ts.');
    expect(error.issues[1]!.hint).toBe('Did you mean `train.layers.0.units`? Rename it in `params` of aero.config.ts.');
  });

  it('names the file a YAML key came from and has no suggestion when nothing is close', () => {
    const error = planError({ to_healpix: { orderng: 'NESTED' }, zzz: 1 }, { origins: { 'to_healpix.orderng': 'conf/config.yaml', zzz: '<cli>' } }) as AeroAggregateError;
    expect(error.issues.map((i) => [i.code, i.message, i.hint])).toEqual([
      ['PLAN_UNKNOWN_PARAM', 'Unknown param `to_healpix.orderng` (set in conf/config.yaml): no action reads it.', 'Did you mean `to_healpix.ordering`? Rename it in conf/config.yaml.'],
      ['PLAN_UNKNOWN_PARAM', 'Unknown param `zzz` (set on the command line): no action reads it.', 'Known top-level keys: report, to_healpix, train.'],
    ]);
  });

  it('keys of actions without a params schema, keys read by partition functions and interpolation sources are known', () => {
    const sim = defineAction({ name: 'sim', partitions: (_p, { root }) => splits(root.sims as Record<string, number>), outputs: { o: { handler: 'json' } }, run: noop });
    const planned = plan([sim, report, train], {
      params: { sims: { train: 2, test: 1 }, report: { anything: 1 }, paths: { root: '/data' }, train: { lr: 0.3 } },
      handlers,
      references: ['paths.root'],
    });
    expect(planned.instances).toHaveLength(5);
  });

  it('a partition function reading one key leaves its misspelled sibling unknown', () => {
    const sim = defineAction({ name: 'sim', partitions: (_p, { root }) => splits({ train: (root.sims as Record<string, number>).train! }), outputs: { o: { handler: 'json' } }, run: noop });
    const error = caught(() => plan([sim], { params: { sims: { train: 2, trian: 1 } }, handlers }), 'plan() to throw');
    expect(error.code).toBe('PLAN_UNKNOWN_PARAM');
    expect(error.message).toBe('Unknown param `sims.trian` (set in `params` of aero.config.ts): no action reads it.');
    expect(error.hint).toBe('Did you mean `sims.train`? Rename it in `params` of aero.config.ts.');
  });

  it('a partition function that cannot take the tracked root (structuredClone) still works; then every key counts as read', () => {
    const sim = defineAction({ name: 'sim', partitions: (_p, { root }) => splits((structuredClone(root) as { sims: Record<string, number> }).sims), outputs: { o: { handler: 'json' } }, run: noop });
    expect(plan([sim], { params: { sims: { train: 2 }, other: 1 }, handlers }).instances).toHaveLength(2);
  });

  it('unknown keys are reported together with invalid params, all at once', () => {
    const error = planError({ train: { lr: -1, lrr: 1 } }) as AeroAggregateError;
    expect(error.issues.map((i) => i.code).sort()).toEqual(['PLAN_INVALID_PARAMS', 'PLAN_UNKNOWN_PARAM']);
  });

  it('the hint of an invalid param adds `+` when the key is only a schema default', () => {
    const needsEpochs = defineAction({ name: 'fit', params: z.object({ epochs: z.number().int() }), outputs: { m: { handler: 'json' } }, run: noop });
    const missing = caught(() => plan([needsEpochs], { params: {}, handlers }), 'plan() to throw');
    expect(missing.code).toBe('PLAN_INVALID_PARAMS');
    expect(missing.hint).toBe('Fix it in the config or set it: aero run +fit.epochs=<value>');
    expect(caught(() => plan([needsEpochs], { params: { fit: { epochs: 1.5 } }, handlers }), 'plan() to throw').hint).toBe('Fix it in the config or set it: aero run fit.epochs=<value>');
  });

  it('through the engine: a misspelled override fails the run before anything runs', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-unknown-'));
    const store = memoryStore();
    const aero = await createAero({ cwd, config: defineConfig({ actions: [train], plugins: [store, jsonHandler()] }), overrides: ['train.lrr=0.5'] });
    await expect(aero.run()).rejects.toMatchObject({ code: 'PLAN_UNKNOWN_PARAM', message: 'Unknown param `train.lrr` (set on the command line): no action reads it.' });
    expect([...store.data.keys()].filter((k) => k.startsWith('runs/'))).toEqual([]);
    await aero.close();
  });
});

describe('unknown top-level keys of defineConfig are refused at load (CONFIG_UNKNOWN_KEY)', () => {
  it('names each key and the nearest valid one', () => {
    // @ts-expect-error `plugin` is not a key of AeroConfig: defineConfig refuses it at type level too.
    const config = defineConfig({ actions: [train], plugin: [], paramz: {} });
    const e = caught(() => checkConfigKeys(config, 'aero.config.ts'), 'checkConfigKeys() to throw') as AeroAggregateError;
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.issues.map((i) => [i.code, i.message, i.hint])).toEqual([
      ['CONFIG_UNKNOWN_KEY', 'aero.config.ts: unknown key `plugin` in defineConfig({...}).', 'Did you mean `plugins`?'],
      ['CONFIG_UNKNOWN_KEY', 'aero.config.ts: unknown key `paramz` in defineConfig({...}).', 'Did you mean `params`?'],
    ]);
  });

  it('loadConfigFile refuses a config file with a misspelled key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aero-config-keys-'));
    const file = join(dir, 'aero.config.mjs');
    await writeFile(file, 'export default { actions: [], launchr: "process" };\n');
    await expect(loadConfigFile(file)).rejects.toMatchObject({ code: 'CONFIG_UNKNOWN_KEY', message: `${file}: unknown key \`launchr\` in defineConfig({...}).`, hint: 'Did you mean `launcher`?' });
  });

  it('createAero refuses a config object with a misspelled key (embedding without a file)', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-config-keys-'));
    const config = { actions: [train], plugins: [memoryStore(), jsonHandler()], paramz: { train: { lr: 1 } } };
    await expect(createAero({ cwd, config })).rejects.toMatchObject({ code: 'CONFIG_UNKNOWN_KEY', message: 'the config passed to createAero: unknown key `paramz` in defineConfig({...}).', hint: 'Did you mean `params`?' });
  });
});
