import { AeroAggregateError, AeroError, defineAction, plan, type AssetHandler } from '@aeroml/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { load, project } from './helpers.js';

const json: AssetHandler = { kind: 'handler', name: 'json', version: '1.0.0', extensions: ['json'], read: async () => undefined, write: async () => undefined };
const handlers = new Map([['json', json]]);
const noop = () => undefined;

const train = defineAction({
  name: 'train',
  params: z.object({
    model: z.object({ name: z.string(), units: z.number() }),
    lr: z.number().default(0.1),
  }),
  outputs: { model: { handler: 'json' } },
  run: noop,
});
const toHealpix = defineAction({ name: 'to_healpix', params: z.object({ ordering: z.enum(['RING', 'NESTED']).default('RING') }), outputs: { map: { handler: 'json' } }, run: noop });

const conf = {
  'conf/config.yaml': `defaults:
  - model: small
  - _self_

train:
  model: \${model}
to_healpix:
  ordering: RING
`,
  'conf/model/small.yaml': 'name: small\nunits: 64\n',
  'conf/model/typo.yaml': 'name: typo\nunits: 64\nunitz: 3\n',
};

/** Loads the YAML config like the engine does and plans it; returns the plan error. */
async function planned(files: Record<string, string>, overrides: string[] = []): Promise<AeroError | undefined> {
  const result = await load(project(files), overrides);
  try {
    plan([train, toHealpix], { params: result.params, handlers, origins: result.origins ?? {}, references: result.references ?? [] });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AeroError);
    return error as AeroError;
  }
}

describe('YAML keys nothing reads are refused at plan time', () => {
  it('a composed config whose groups are copied in by interpolation plans: group values are sources', async () => {
    const result = await load(project(conf));
    expect(result.references).toEqual(expect.arrayContaining(['model']));
    expect(await planned(conf)).toBeUndefined();
  });

  it.each([
    // `to_healpix.ordering` is in config.yaml, so the plain override works in struct mode.
    ['++key adds a misspelled key: refused with the nearest name', '++to_healpix.orderng=NESTED', 'Unknown param `to_healpix.orderng` (set on the command line): no action reads it.', 'Did you mean `to_healpix.ordering`? aero run to_healpix.ordering=NESTED'],
    ['a misspelled key in a config group file is named with that file', 'model=typo', 'Unknown param `train.model.unitz` (set in conf/model/typo.yaml): no action reads it.', 'Did you mean `train.model.units`? Rename it in conf/model/typo.yaml.'],
  ])('%s', async (_name, override, message, hint) => {
    expect(await planned(conf, [override])).toMatchObject({ code: 'PLAN_UNKNOWN_PARAM', message, hint });
  });

  it('the hinted override really applies and plans', async () => {
    expect(await planned(conf, ['to_healpix.ordering=NESTED'])).toBeUndefined();
  });

  it('a misspelled top-level key in the primary config is refused, together with other problems', async () => {
    const files = { ...conf, 'conf/config.yaml': conf['conf/config.yaml'].replace('to_healpix:', 'to_healpx:') };
    const error = (await planned(files, ['+train.lrr=1'])) as AeroAggregateError;
    expect(error.code).toBe('PLAN_INVALID');
    expect(error.issues.map((i) => [i.message, i.hint])).toEqual([
      ['Unknown param `train.lrr` (set on the command line): no action reads it.', 'Did you mean `train.lr`? aero run +train.lr=1'],
      ['Unknown param `to_healpx.ordering` (set in conf/config.yaml): no action reads it.', 'Did you mean `to_healpix.ordering`? Rename it in conf/config.yaml.'],
    ]);
  });

  it('the `+` the hint adds for a schema-default key is what the YAML loader requires', async () => {
    // train.lr is only a schema default: struct mode refuses `train.lr=1` and takes `+train.lr=1`.
    await expect(load(project(conf), ['train.lr=1'])).rejects.toMatchObject({ code: 'OVERRIDE_INVALID' });
    expect(await planned(conf, ['+train.lr=1'])).toBeUndefined();
  });

  it('struct mode: a misspelled key that is not in the config suggests the key that is', async () => {
    const error = await load(project(conf), ['to_healpix.orderng=NESTED']).then(() => undefined, (e: AeroError) => e);
    expect(error?.code).toBe('OVERRIDE_INVALID');
    expect(error?.message).toBe('Cannot apply override `to_healpix.orderng=NESTED`: `to_healpix.orderng` is not in the config.');
    expect(error?.hint).toBe('Did you mean `to_healpix.ordering`? aero run to_healpix.ordering=NESTED');
    const parent = await load(project(conf), ['to_healpx.ordering=NESTED']).then(() => undefined, (e: AeroError) => e);
    expect(parent?.hint).toBe('Did you mean `to_healpix.ordering`? aero run to_healpix.ordering=NESTED');
  });
});
