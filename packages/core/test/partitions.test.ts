import { describe, expect, it } from 'vitest';
import { AeroAggregateError, applyOverrides, defineAction, plan, splits } from '../src/index.js';
import { jsonHandler } from './fixtures.js';
import { caught } from './caught.js';

const handlers = new Map([['json', jsonHandler()]]);
const noop = () => undefined;

describe('splits() validates its counts (PLAN_PARTITION_INVALID)', () => {
  it('accepts whole counts >= 0', () => {
    expect(splits({ train: 2, test: 0 })).toEqual([{ split: 'train', sim: 0 }, { split: 'train', sim: 1 }]);
  });

  it.each([
    [{ train: 2.5 }, 'splits(): counts are whole numbers >= 0, but `train` is 2.5.'],
    [{ train: -1, test: 'abc' }, 'splits(): counts are whole numbers >= 0, but `train` is -1, `test` is "abc".'],
    [[1, 2], 'splits() takes an object of split name -> count, like splits({ train: 80, test: 10 }), not [1,2].'],
    [undefined, 'splits() takes an object of split name -> count, like splits({ train: 80, test: 10 }), not undefined.'],
  ])('refuses %j', (counts, message) => {
    const error = caught(() => splits(counts as Record<string, number>));
    expect(error.code).toBe('PLAN_PARTITION_INVALID');
    expect(error.message).toBe(message);
  });

  const sim = defineAction({ name: 'sim', partitions: (_p, { root }) => splits(root.counts as Record<string, number>), outputs: { o: { handler: 'json', path: '{split}/{sim}.json' } }, run: noop });

  it('a count deleted on the command line (~counts) names the action, not "Cannot convert undefined"', () => {
    const params = applyOverrides({ counts: { train: 2 } }, ['~counts']);
    const error = caught(() => plan([sim], { params, handlers }));
    expect(error.code).toBe('PLAN_PARTITION_INVALID');
    expect(error.message).toBe('Partitions of `sim`: splits() takes an object of split name -> count, like splits({ train: 80, test: 10 }), not undefined.');
  });

  it('a count typed wrong on the command line is refused before anything runs', () => {
    const params = applyOverrides({ counts: { train: 2 } }, ['counts.train=abc']);
    expect(caught(() => plan([sim], { params, handlers })).message).toBe('Partitions of `sim`: splits(): counts are whole numbers >= 0, but `train` is "abc".');
  });

  it('partition values must be strings or finite numbers', () => {
    const bad = defineAction({ name: 'bad', partitions: () => [{ split: 'a' }, { split: undefined as unknown as string }, { split: Number.NaN }], outputs: { o: { handler: 'json' } }, run: noop });
    const error = caught(() => plan([bad], { params: {}, handlers }));
    expect(error.code).toBe('PLAN_PARTITION_INVALID');
    expect(error.message).toBe('Partitions of `bad`: partition 1 has `split` = undefined, partition 2 has `split` = NaN; partition values are strings or finite numbers.');
  });
});

describe('--only refuses names and partition values that match nothing (PLAN_ONLY_NO_MATCH)', () => {
  const simulate = defineAction({ name: 'simulate', group: 'data', partitions: splits({ train: 2, test: 1 }), outputs: { map: { handler: 'json', path: '{split}/{sim}.json' } }, run: noop });
  const train = defineAction({ name: 'train', type: 'train-model', inputs: { maps: simulate.output('map').all() }, outputs: { model: { handler: 'json' } }, run: noop });
  const only = (selectors: string[]) => caught(() => plan([simulate, train], { params: {}, handlers, only: selectors }));

  it('an unknown name among known ones is refused, with the nearest names', () => {
    const error = only(['bogus', 'train']);
    expect(error.code).toBe('PLAN_ONLY_NO_MATCH');
    expect(error.message).toBe('--only `bogus`: no action, group, type or output is named `bogus`.');
    expect(error.hint).toBe('Actions: simulate, train; groups: data; types: train-model; outputs: map, model.');
    expect(only(['trian']).hint).toBe('Did you mean `train`?');
  });

  it('an unknown partition value is named, with the values that exist', () => {
    const error = only(['simulate[split=tset]']);
    expect(error.code).toBe('PLAN_ONLY_NO_MATCH');
    expect(error.message).toBe('--only `simulate[split=tset]`: no partition of `simulate` has split=tset (split is one of: test, train).');
    expect(error.hint).toBe('Did you mean `simulate[split=test]`?');
  });

  it('an unknown partition key is named, with the keys that exist', () => {
    const error = only(['simulate[splt=test]']);
    expect(error.message).toBe('--only `simulate[splt=test]`: `simulate` has no partition key `splt` (keys: sim, split).');
    expect(error.hint).toBe('Did you mean `split`?');
  });

  it('a filter on an action without partitions, and a malformed filter, are refused', () => {
    expect(only(['train[split=test]']).message).toBe('--only `train[split=test]`: `train` has no partition key `split` (keys: none).');
    expect(only(['simulate[split]']).message).toBe('--only `simulate[split]`: `split` is not key=value.');
  });

  it('values that exist one by one but not together match no instance', () => {
    expect(only(['simulate[split=test,sim=1]']).message).toBe('--only `simulate[split=test,sim=1]`: no instance of `simulate` has all of split=test, sim=1.');
  });

  it('every bad selector is reported at once', () => {
    const error = only(['bogus', 'simulate[split=tset]']) as AeroAggregateError;
    expect(error.code).toBe('PLAN_INVALID');
    expect(error.issues.map((i) => i.code)).toEqual(['PLAN_ONLY_NO_MATCH', 'PLAN_ONLY_NO_MATCH']);
  });

  it('valid selectors still select', () => {
    const planned = plan([simulate, train], { params: {}, handlers, only: ['simulate[split=test]', 'data'] });
    expect(planned.instances.filter((i) => i.selected).map((i) => i.id)).toEqual(['simulate[split=train,sim=0]', 'simulate[split=train,sim=1]', 'simulate[split=test,sim=0]']);
  });
});
