import { describe, expect, it } from 'vitest';
import { AeroAggregateError, AeroError } from '../src/errors.js';
import { applyOverrides, parseOverride } from '../src/overrides/index.js';
import { caught } from './caught.js';

const base = () => ({
  train: { lr: 0.001, epochs: 3, opt: { name: 'adam', betas: [0.9, 0.99] } },
  data: { path: '/data', cache: true },
  tags: ['a', 'b'],
});

describe('applyOverrides (Hydra "Basic Override syntax" → "Modifying the Config Object")', () => {
  it('key=value replaces an existing value, typed, without mutating the input', () => {
    const tree = base();
    const out = applyOverrides(tree, ['train.lr=0.01', 'data.cache=false', 'train.opt.betas=[0.8,0.9]']);
    expect(out.train).toEqual({ lr: 0.01, epochs: 3, opt: { name: 'adam', betas: [0.8, 0.9] } });
    expect(out.data).toEqual({ path: '/data', cache: false });
    expect(tree).toEqual(base());
    // Untouched branches are shared, touched ones copied.
    expect(out.tags).toBe(tree.tags);
    expect(out.train).not.toBe(tree.train);
  });

  it('a dict value merges into an existing dict (OmegaConf.update with merge=True)', () => {
    const out = applyOverrides(base(), ['train.opt={name: sgd, momentum: 0.9}']);
    expect(out.train).toMatchObject({ opt: { name: 'sgd', betas: [0.9, 0.99], momentum: 0.9 } });
  });

  it('key=value on a missing key is an error in struct mode and points to +key', () => {
    const error = caught(() => applyOverrides(base(), ['train.momentum=0.9']));
    expect(error.code).toBe('OVERRIDE_INVALID');
    expect(error.message).toBe('Cannot apply override `train.momentum=0.9`: `train.momentum` is not in the config.');
    expect(error.hint).toBe('To add it, use +train.momentum=0.9');
    expect(caught(() => applyOverrides(base(), ['model.depth=3'])).message).toBe('Cannot apply override `model.depth=3`: `model.depth` is not in the config (no `model`).');
  });

  it('strict: false lets key=value add keys (the no-YAML path)', () => {
    expect(applyOverrides({}, ['train.lr=0.01'], { strict: false })).toEqual({ train: { lr: 0.01 } });
  });

  it('+key=value appends, creating parents; it fails when the key exists', () => {
    expect(applyOverrides(base(), ['+train.momentum=0.9', '+model.depth=4'])).toMatchObject({ train: { momentum: 0.9 }, model: { depth: 4 } });
    const error = caught(() => applyOverrides(base(), ['+train.lr=0.1']));
    expect(error.message).toBe('Cannot apply override `+train.lr=0.1`: `train.lr` is already in the config (value 0.001).');
    expect(error.hint).toBe('To replace it use train.lr=0.1, or ++train.lr=0.1 to add or replace.');
  });

  it('++key=value adds or replaces', () => {
    expect(applyOverrides(base(), ['++train.lr=0.1', '++train.momentum=0.9'])).toMatchObject({ train: { lr: 0.1, momentum: 0.9 } });
  });

  it('~key deletes; ~key=value deletes only a matching value', () => {
    const out = applyOverrides(base(), ['~data.cache', '~train.opt.name=adam', '~tags.0']);
    expect(out.data).toEqual({ path: '/data' });
    expect(out.train).toEqual({ lr: 0.001, epochs: 3, opt: { betas: [0.9, 0.99] } });
    expect(out.tags).toEqual(['b']);
    expect(caught(() => applyOverrides(base(), ['~train.opt.name=sgd'])).message).toBe('Cannot apply override `~train.opt.name=sgd`: the value of `train.opt.name` is adam, not sgd; nothing was deleted.');
    expect(caught(() => applyOverrides(base(), ['~data.nope'])).message).toBe('Cannot apply override `~data.nope`: `data.nope` does not exist in the config, so it cannot be deleted.');
  });

  it('list indexes set in place; out of range is an error', () => {
    expect(applyOverrides(base(), ['train.opt.betas.1=0.5']).train).toMatchObject({ opt: { betas: [0.9, 0.5] } });
    expect(caught(() => applyOverrides(base(), ['++tags.5=x'])).message).toBe('Cannot apply override `++tags.5=x`: index 5 is out of range for the list `tags` (length 2).');
  });

  it('setting through a value is an error; through an interpolation it points to the key to set', () => {
    const error = caught(() => applyOverrides(base(), ['+train.lr.x=1']));
    expect(error.message).toBe('Cannot apply override `+train.lr.x=1`: `train.lr` is a value, not a mapping, so it has no key `x`.');
    expect(error.hint).toBe('Set `train.lr` itself (train.lr=…), or check the key: `train.lr` holds 0.001.');
    // As the yaml template wires a group into an action: `fit: ${model}`.
    const wired = caught(() => applyOverrides({ model: { lr: 0.1 }, fit: '${model}' }, ['fit.lr=0.3']));
    expect(wired.message).toBe('Cannot apply override `fit.lr=0.3`: `fit` is a value, not a mapping, so it has no key `lr`.');
    expect(wired.hint).toBe('`fit` is `${model}`: set the key it points to, aero run model.lr=0.3');
    expect(applyOverrides({ model: { lr: 0.1 }, fit: '${model}' }, ['model.lr=0.3'])).toMatchObject({ model: { lr: 0.3 } });
  });

  it('a sweep cannot be applied to one run', () => {
    const error = caught(() => applyOverrides(base(), ['train.lr=0.1,0.2']));
    expect(error.message).toBe('Cannot apply override `train.lr=0.1,0.2`: `0.1,0.2` is a sweep; it expands into several runs.');
    expect(error.hint).toContain('aero run -m');
  });

  it('reports every failing override at once', () => {
    const error = caught(() => applyOverrides(base(), ['nope=1', 'train.lr=[', 'train.epochs=5']));
    expect(error).toBeInstanceOf(AeroAggregateError);
    expect((error as AeroAggregateError).issues.map((i) => i.details?.['override'])).toEqual(['nope=1', 'train.lr=[']);
    expect(error.message.split('\n')[0]).toBe('2 overrides could not be applied:');
  });

  it('accepts parsed overrides and records origins', () => {
    const origins: Record<string, string> = { 'train.lr': 'conf/config.yaml', 'data.cache': 'conf/config.yaml', 'train.opt.name': 'conf/config.yaml' };
    applyOverrides(base(), [parseOverride('train.lr=0.1'), '~data.cache', '+model.arch={depth: 2}', 'train.opt={name: sgd}'], { origins, source: '<cli>' });
    expect(origins).toEqual({ 'train.lr': '<cli>', 'model': '<cli>', 'model.arch': '<cli>', 'model.arch.depth': '<cli>', 'train.opt.name': '<cli>' });
  });
});

describe('struct mode: a key the config lacks', () => {
  it('suggests a near existing key as an override that works, and only when the whole fixed path exists', () => {
    const tree = { train: { lr: 0.1, model: { depth: 2 } } };
    const near = (() => { try { applyOverrides(tree, ['train.lrr=0.5']); } catch (e) { return e as AeroError; } throw new Error('expected an error'); })();
    expect(near.hint).toBe('Did you mean `train.lr`? aero run train.lr=0.5');
    expect(applyOverrides(tree, ['train.lr=0.5'])).toEqual({ train: { lr: 0.5, model: { depth: 2 } } });
    const deeper = (() => { try { applyOverrides(tree, ['trian.model.dpth=3']); } catch (e) { return e as AeroError; } throw new Error('expected an error'); })();
    expect(deeper.hint).toBe('To add it, use +trian.model.dpth=3');
    const parent = (() => { try { applyOverrides(tree, ['trian.model.depth=3']); } catch (e) { return e as AeroError; } throw new Error('expected an error'); })();
    expect(parent.hint).toBe('Did you mean `train.model.depth`? aero run train.model.depth=3');
  });
});
