import { describe, expect, it } from 'vitest';
import { AeroError, gridSampler, parseObjectives, parseSearchSpace, randomSampler, reduceMetric, trialOverrides, type Dimension } from '../src/index.js';

function thrown(fn: () => unknown): AeroError {
  try {
    fn();
  } catch (error) {
    return error as AeroError;
  }
  throw new Error('expected an error');
}

describe('search space grammar (the Hydra Optuna sweeper on aero overrides)', () => {
  it('reads interval, tag(log|int, ...), range and choice; other overrides are fixed', () => {
    const space = parseSearchSpace(['x=interval(-10,10)', 'lr=tag(log, interval(1e-5,1e-1))', 'n=range(1,10)', 'opt=choice(adam,sgd)', 'd=tag(int, interval(2, 8))', 'w=range(0.1, 0.5, 0.1)', 'act=relu,tanh', 'train.epochs=5', '+extra.flag=true']);
    expect(space.fixed).toEqual(['train.epochs=5', '+extra.flag=true']);
    const byKey = Object.fromEntries(space.dimensions.map((d) => [d.key, d])) as Record<string, Dimension>;
    expect(byKey.x).toMatchObject({ kind: 'float', low: -10, high: 10, log: false });
    expect(byKey.lr).toMatchObject({ kind: 'float', low: 1e-5, high: 1e-1, log: true });
    // range stops before `stop`, as in `aero run -m`: range(1,10) is 1..9.
    expect(byKey.n).toMatchObject({ kind: 'int', low: 1, high: 9, step: 1, log: false });
    expect(byKey.opt).toMatchObject({ kind: 'categorical' });
    expect((byKey.opt as Extract<Dimension, { kind: 'categorical' }>).choices.map((c) => c.value)).toEqual(['adam', 'sgd']);
    expect(byKey.d).toMatchObject({ kind: 'int', low: 2, high: 8, step: 1 });
    expect(byKey.w).toMatchObject({ kind: 'float', low: 0.1, high: 0.4, step: 0.1 });
    expect(byKey.act).toMatchObject({ kind: 'categorical' });
  });

  it('writes a trial as overrides, with the fixed ones first and + kept for added keys', () => {
    const space = parseSearchSpace(['train.epochs=5', '+model.lr=interval(0, 1)', "msg=choice('a,b', c)"]);
    expect(trialOverrides(space, { 'model.lr': 0.25, msg: 'a,b' })).toEqual(['train.epochs=5', '+model.lr=0.25', "msg='a,b'"]);
  });

  it('refuses an empty or reversed interval, a log bound ≤ 0 and unknown tags, all at once', () => {
    const error = thrown(() => parseSearchSpace(['a=interval(1, 1)', 'b=interval(5, 1)', 'c=tag(log, interval(0, 1))', 'd=tag(lgo, interval(1, 2))', 'e=interval(x, 2)']));
    expect(error.code).toBe('TUNE_SPACE_INVALID');
    expect(error.message).toContain('5 search dimensions are invalid; nothing was run:');
    expect(error.message).toContain('Search space `a=interval(1, 1)`: interval is empty: both bounds are 1.');
    expect(error.message).toContain('Search space `b=interval(5, 1)`: interval is reversed: low 5 is above high 1 (write interval(1, 5)).');
    expect(error.message).toContain('Search space `c=tag(log, interval(0, 1))`: a log scale needs bounds above 0, got low 0.');
    expect(error.message).toContain('Search space `d=tag(lgo, interval(1, 2))`: unknown tag `lgo` (known: log, int). Did you mean `log`? (Search a param');
    expect(error.message).not.toContain('?.');
    expect(error.message).toContain('interval(...) bounds must be finite numbers, got x and 2');
  });

  it('refuses a log range with a step, a one-value range and a key searched twice', () => {
    expect(thrown(() => parseSearchSpace(['n=tag(log, range(1, 100, 5))'])).message).toContain('a log scale cannot have a step');
    expect(thrown(() => parseSearchSpace(['n=range(1, 2)'])).message).toContain('range(...) holds only 1; a search needs two values or more.');
    expect(thrown(() => parseSearchSpace(['x=interval(0, 1)', 'x=choice(1, 2)'])).message).toContain('`x` is searched twice');
  });

  it('refuses a key that is both searched and fixed, whichever comes first (a trial would get both overrides)', () => {
    const after = thrown(() => parseSearchSpace(['fit.lr=tag(log, interval(0.01, 0.5))', 'fit.lr=0.1']));
    expect(after.code).toBe('TUNE_SPACE_INVALID');
    expect(after.message).toBe('Search space `fit.lr=tag(log, interval(0.01, 0.5))`: `fit.lr` is searched and also fixed by `fit.lr=0.1`; give a key one dimension or one fixed value, not both.');
    const before = thrown(() => parseSearchSpace(['+fit.lr=0.1', 'fit.epochs=5', 'fit.lr=choice(0.1, 0.2)']));
    expect(before.message).toBe('Search space `fit.lr=choice(0.1, 0.2)`: `fit.lr` is searched and also fixed by `+fit.lr=0.1`; give a key one dimension or one fixed value, not both.');
    expect(thrown(() => parseSearchSpace(['~fit.lr', 'fit.lr=interval(0, 1)'])).message).toContain('`fit.lr` is searched and also fixed by `~fit.lr`');
    // Other keys stay fixed, and an unknown tag (one sentence with its own question mark) gets no extra full stop.
    expect(parseSearchSpace(['fit.lr=interval(0, 1)', 'fit.epochs=5']).fixed).toEqual(['fit.epochs=5']);
    expect(thrown(() => parseSearchSpace(['x=tag(lgo, interval(1, 2))'])).message).toBe('Search space `x=tag(lgo, interval(1, 2))`: unknown tag `lgo` (known: log, int). Did you mean `log`?');
    expect(thrown(() => parseSearchSpace(['x=tag(zzzzz, interval(1, 2))'])).message).toBe('Search space `x=tag(zzzzz, interval(1, 2))`: unknown tag `zzzzz` (known: log, int).');
  });

  it('passes grammar errors of the plain parser through (OVERRIDE_INVALID with a caret)', () => {
    const error = thrown(() => parseSearchSpace(['x=choice(1,']));
    expect(error.code).toBe('OVERRIDE_INVALID');
    expect(error.message).toContain('Invalid override `x=choice(1,`');
  });
});

describe('built-in samplers', () => {
  const space = parseSearchSpace(['x=interval(-5, 5)', 'lr=tag(log, interval(1e-4, 1))', 'n=range(1, 4)', 'opt=choice(adam, sgd)', 'k=tag(log, tag(int, interval(1, 1000)))']);

  it('random: the same seed and trial number give the same params, inside every bound', () => {
    const a = randomSampler(space, 7);
    const b = randomSampler(space, 7);
    expect(a.params(3)).toEqual(b.params(3));
    expect(a.params(3)).not.toEqual(randomSampler(space, 8).params(3));
    for (let k = 0; k < 200; k++) {
      const p = a.params(k);
      expect(p.x as number).toBeGreaterThanOrEqual(-5);
      expect(p.x as number).toBeLessThanOrEqual(5);
      expect(p.lr as number).toBeGreaterThanOrEqual(1e-4);
      expect(p.lr as number).toBeLessThanOrEqual(1);
      expect([1, 2, 3]).toContain(p.n);
      expect(['adam', 'sgd']).toContain(p.opt);
      expect(Number.isInteger(p.k)).toBe(true);
      expect(p.k as number).toBeGreaterThanOrEqual(1);
      expect(p.k as number).toBeLessThanOrEqual(1000);
    }
  });

  it('grid: every combination once, in a seeded order', () => {
    const grid = gridSampler(parseSearchSpace(['n=range(1, 4)', 'opt=choice(adam, sgd)']), 1);
    expect(grid.size).toBe(6);
    const seen = Array.from({ length: 6 }, (_, k) => JSON.stringify(grid.params(k)));
    expect(new Set(seen).size).toBe(6);
    expect(seen).toEqual(Array.from({ length: 6 }, (_, k) => JSON.stringify(gridSampler(parseSearchSpace(['n=range(1, 4)', 'opt=choice(adam, sgd)']), 1).params(k))));
  });

  it('grid refuses a continuous interval (TUNE_SAMPLER_UNSUITABLE)', () => {
    const error = thrown(() => gridSampler(parseSearchSpace(['x=interval(0, 1)']), 0));
    expect(error.code).toBe('TUNE_SAMPLER_UNSUITABLE');
    expect(error.message).toBe('The grid sampler cannot search `x=interval(0, 1)`: an interval is continuous, a grid needs a list of values.');
  });
});

describe('objectives', () => {
  it('splits action and metric at the longest action name, with an optional reducer', () => {
    const [o] = parseObjectives(['train.val.loss:min'], ['minimize'], ['train', 'evaluate']);
    expect(o).toMatchObject({ action: 'train', metric: 'val.loss', reducer: 'min', direction: 'minimize' });
    const points = [3, 1, 2].map((value, step) => ({ name: 'val.loss', value, step, timestamp: 0 }));
    expect(reduceMetric(points, o!)).toBe(1);
    expect(reduceMetric(points, { ...o!, reducer: 'last' })).toBe(2);
    expect(reduceMetric(points, { ...o!, reducer: 'max' })).toBe(3);
    expect(reduceMetric(points, { ...o!, metric: 'acc' })).toBeUndefined();
    // `last` is the value at the highest step (the later of a step logged twice), whatever the logging order.
    const odd = [[1, 1_000_000], [2, -5], [3, 7], [3.5, 1_000_000]].map(([value, step]) => ({ name: 'val.loss', value: value!, step: step!, timestamp: 0 }));
    expect(reduceMetric(odd, { ...o!, reducer: 'last' })).toBe(3.5);
    expect(reduceMetric(odd.slice(0, 3), { ...o!, reducer: 'last' })).toBe(1);
  });

  it('refuses an action not in the pipeline (with suggestions), a bad reducer and mismatched directions', () => {
    const unknown = thrown(() => parseObjectives(['trian.loss'], ['minimize'], ['train', 'evaluate']));
    expect(unknown.code).toBe('TUNE_OBJECTIVE_UNKNOWN');
    expect(unknown.message).toBe('--objective trian.loss: the pipeline has no action `trian` (actions: train, evaluate). Did you mean `train`?');
    expect(thrown(() => parseObjectives(['train.loss:mean'], ['minimize'], ['train'])).message).toContain('Unknown reducer `mean` in --objective train.loss:mean (known: last, min, max).');
    const dirs = thrown(() => parseObjectives(['train.loss', 'train.latency'], ['minimize'], ['train']));
    expect(dirs.code).toBe('TUNE_OPTIONS_INVALID');
    expect(dirs.message).toBe('2 objective(s) but 1 direction(s): give one --direction per --objective, in the same order.');
    expect(thrown(() => parseObjectives(['train.loss'], ['minimise'], ['train'])).message).toBe('--direction must be minimize or maximize, got `minimise`. Did you mean `minimize`?');
  });

  it('refuses an action without a metric: the message asks for ACTION.METRIC and the hint uses that action', () => {
    const bare = thrown(() => parseObjectives(['evaluate'], ['minimize'], ['generate', 'fit', 'evaluate']));
    expect(bare.code).toBe('TUNE_OBJECTIVE_UNKNOWN');
    expect(bare.message).toBe('--objective evaluate names the action `evaluate` but no metric: an objective is ACTION.METRIC, e.g. --objective evaluate.<metric>.');
    expect(bare.hint).toBe("Write --objective evaluate.<metric>, where <metric> is a name `evaluate` logs with log.metric('<metric>', value).");
    const reduced = thrown(() => parseObjectives(['fit.:min'], ['minimize'], ['generate', 'fit', 'evaluate']));
    expect(reduced.message).toBe('--objective fit.:min names the action `fit` but no metric: an objective is ACTION.METRIC, e.g. --objective fit.<metric>.');
    expect(reduced.hint).toBe("Write --objective fit.<metric>:min, where <metric> is a name `fit` logs with log.metric('<metric>', value).");
    // An unknown action still gets the nearest name, in the message and in the hint's example.
    const unknown = thrown(() => parseObjectives(['evaluat.mse'], ['minimize'], ['generate', 'fit', 'evaluate']));
    expect(unknown.message).toBe('--objective evaluat.mse: the pipeline has no action `evaluat` (actions: generate, fit, evaluate). Did you mean `evaluate`?');
    expect(unknown.hint).toBe('Write --objective <action>.<metric>, e.g. --objective evaluate.mse.');
  });
});
