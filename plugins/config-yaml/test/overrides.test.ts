import { describe, expect, it } from 'vitest';
import { basicConf } from './fixtures.js';
import { load, loadError, project } from './helpers.js';

/** The error a load of basicConf with this one override is refused with. */
const refusal = (override: string) => loadError(project(basicConf), [override]);

describe('command-line overrides on the composed config (Hydra "Basic Override syntax")', () => {
  it('group=option changes a group, key=value changes a value, both typed ("Modifying the Defaults List", "Modifying the Config Object")', async () => {
    const { params, origins } = await load(project(basicConf), ['model=large', 'data=cifar', 'model.units=128', 'trainer.epochs=10', 'seed=null']);
    expect(params.model).toEqual({ name: 'large', units: 128, dropout: 0.1 });
    expect(params.data).toEqual({ name: 'cifar', path: '/data/cifar', batch: 64 });
    expect((params.trainer as Record<string, unknown>).epochs).toBe(10);
    expect(params.seed).toBeNull();
    expect(origins).toMatchObject({ 'model.units': '<cli>', 'model.name': 'conf/model/large.yaml', 'data.batch': 'conf/data/cifar.yaml' });
  });

  it('+key adds, ++key adds or replaces, ~key deletes', async () => {
    const { params } = await load(project(basicConf), ['+model.depth=4', '++model.units=1', '++trainer.amp=true', '~data.batch', '~model.dropout=0.1']);
    expect(params.model).toEqual({ name: 'small', units: 1, depth: 4 });
    expect(params.data).toEqual({ name: 'mnist', path: '/data/mnist' });
    expect((params.trainer as Record<string, unknown>).amp).toBe(true);
  });

  it('+group=option appends to the defaults list, ~group removes it, ++group=option adds or replaces', async () => {
    const added = await load(project(basicConf), ['+optim=adam', '~data']);
    expect(added.params.optim).toEqual({ name: 'adam', lr: 0.001 });
    expect(added.params.data).toBeUndefined();
    expect((await load(project(basicConf), ['++optim=adam'])).params.optim).toEqual({ name: 'adam', lr: 0.001 });
    expect(((await load(project(basicConf), ['++model=large'])).params.model as Record<string, unknown>).name).toBe('large');
    expect((await load(project(basicConf), ['~data=mnist'])).params.data).toBeUndefined();
  });

  // One refused override each: the error has (at least) these fields.
  it.each([
    ['a key not in the config needs + (struct mode), with a hint', 'model.depth=4', { code: 'OVERRIDE_INVALID', message: 'Cannot apply override `model.depth=4`: `model.depth` is not in the config.', hint: 'To add it, use +model.depth=4' }],
    ['a group takes option names, not values', 'model={units: 3}', { code: 'OVERRIDE_INVALID', message: 'Cannot apply override `model={units: 3}`: config group `model` takes an option name, a list of names or null.' }],
    ['a sweep is refused by a single load (the CLI expands it with -m first)', 'model=small,large', { message: 'Cannot apply override `model=small,large`: `small,large` is a sweep; it expands into several runs.' }],
  ])('%s', async (_name, override, expected) => {
    expect(await refusal(override)).toMatchObject(expected);
  });

  it('a group not in the defaults list needs +; a group already there refuses +', async () => {
    expect(await refusal('optim=adam')).toMatchObject({ code: 'OVERRIDE_INVALID', message: 'Cannot apply override `optim=adam`: config group `optim` is not in the defaults list.', hint: 'To add it, use +optim=adam' });
    expect(await refusal('+model=large')).toMatchObject({ message: 'Cannot apply override `+model=large`: config group `model` is already in the defaults list (conf/config.yaml).', hint: 'To change its option use model=large, or ++model=large to add or replace.' });
  });

  it('deleting a group names the overrides that work', async () => {
    expect(await refusal('~data=cifar')).toMatchObject({
      code: 'OVERRIDE_INVALID',
      message: 'Cannot apply override `~data=cifar`: config group `data` is set to "mnist", not "cifar"; nothing was deleted.',
      hint: 'To delete it whatever its option, use ~data or ~data=mnist.',
    });
    expect(await refusal('~optim')).toMatchObject({
      code: 'OVERRIDE_INVALID',
      message: 'Cannot apply override `~optim`: config group `optim` is not in the defaults list, so nothing was deleted.',
      hint: 'Nothing to delete: the defaults list has data, model, trainer, trainer/callbacks, trainer/profiler.',
    });
    const typo = await loadError(project({ ...basicConf, 'conf/models/x.yaml': 'a: 1\n' }), ['~models=small']);
    expect(typo.hint).toBe('Did you mean `~model=small`? Nothing to delete: the defaults list has data, model, trainer, trainer/callbacks, trainer/profiler.');
    // The suggested override works.
    expect((await load(project(basicConf), ['~model=small'])).params.model).toEqual({ dropout: 0.1 });
  });

  it('an unknown option lists the available ones; a missing group folder says so', async () => {
    expect(await refusal('model=huge')).toMatchObject({ code: 'CONFIG_YAML_OPTION_NOT_FOUND', message: 'Config group `model` has no option `huge` (selected by `model=huge` on the command line): conf/model/huge.yaml does not exist.', hint: 'Available options: large, small.' });
    expect(await refusal('+loss/focal=a')).toMatchObject({ message: 'Config group `loss/focal` does not exist (selected by `+loss/focal=a` on the command line): there is no folder conf/loss/focal.' });
  });

  it('malformed overrides are reported with their columns, all at once', async () => {
    const error = await loadError(project(basicConf), ['model.units=[1', 'seed 2']);
    expect(error.code).toBe('OVERRIDE_INVALID');
    expect(error.message).toContain('Invalid override `model.units=[1` at column 15: expected `]` to close the list opened at column 13.');
    expect(error.message).toContain('Invalid override `seed 2` at column 5: whitespace in the key');
  });

  it('base params from aero.config.ts come first; YAML and overrides apply on top', async () => {
    const base = { seed: 7, data: { path: '/from/base', workers: 2 } };
    const { params, origins } = await load(project(basicConf), ['data.workers=4'], base);
    expect(params.seed).toBe(1);
    expect(params.data).toEqual({ path: '/data/mnist', workers: 4, name: 'mnist', batch: 32 });
    expect(origins).toMatchObject({ seed: 'conf/config.yaml', 'data.workers': '<cli>', 'data.path': 'conf/data/mnist.yaml' });
  });
});
