import { describe, expect, it } from 'vitest';
import { AeroAggregateError, AeroError } from '../src/errors.js';
import { applyOverrides, expandSweep, parseOverride } from '../src/overrides/index.js';

describe('expandSweep (Hydra "Extended Override syntax" → "Sweeps", BasicSweeper cartesian product)', () => {
  it('no sweep: one run with the overrides unchanged', () => {
    expect(expandSweep(['lr=0.1', '+x=[1, 2]'])).toEqual([['lr=0.1', '+x=[1, 2]']]);
    expect(expandSweep([])).toEqual([[]]);
  });

  it('cartesian product, first override varies slowest, original value text kept', () => {
    expect(expandSweep(['lr=1e-3,1e-2', 'model=small,large', 'epochs=3'])).toEqual([
      ['lr=1e-3', 'model=small', 'epochs=3'],
      ['lr=1e-3', 'model=large', 'epochs=3'],
      ['lr=1e-2', 'model=small', 'epochs=3'],
      ['lr=1e-2', 'model=large', 'epochs=3'],
    ]);
  });

  it('range() and choice() expand; prefixes and packages are kept ("Range sweep", "Choice sweep")', () => {
    expect(expandSweep(['+seed=range(0,3)', 'db@backup=choice(mysql, sqlite)'])).toEqual([
      ['+seed=0', 'db@backup=mysql'],
      ['+seed=0', 'db@backup=sqlite'],
      ['+seed=1', 'db@backup=mysql'],
      ['+seed=1', 'db@backup=sqlite'],
      ['+seed=2', 'db@backup=mysql'],
      ['+seed=2', 'db@backup=sqlite'],
    ]);
  });

  it('float ranges print cleanly', () => {
    expect(expandSweep(['x=range(0.1,0.4,0.1)']).map((r) => r[0])).toEqual(['x=0.1', 'x=0.2', 'x=0.3']);
  });

  it('quoted commas stay literal; each expanded override parses back to the chosen value', () => {
    const runs = expandSweep(["msg='a,b','c d'", 'k=[1,2],[3]']);
    expect(runs).toEqual([
      ["msg='a,b'", 'k=[1,2]'],
      ["msg='a,b'", 'k=[3]'],
      ["msg='c d'", 'k=[1,2]'],
      ["msg='c d'", 'k=[3]'],
    ]);
    expect(runs.map((r) => r.map((o) => parseOverride(o).value))).toEqual([
      ['a,b', [1, 2]],
      ['a,b', [3]],
      ['c d', [1, 2]],
      ['c d', [3]],
    ]);
  });

  it('cast sweeps render the cast value', () => {
    expect(expandSweep(['k=str(1,2)'])).toEqual([["k='1'"], ["k='2'"]]);
    expect(expandSweep(['k=int(range(1,3))'])).toEqual([['k=1'], ['k=2']]);
  });

  it('each expanded run applies to a plain tree', () => {
    const runs = expandSweep(['train.lr=0.1,0.01', 'train.epochs=range(1,3)']);
    const trees = runs.map((r) => applyOverrides({ train: { lr: 1, epochs: 1 } }, r));
    expect(trees).toEqual([
      { train: { lr: 0.1, epochs: 1 } },
      { train: { lr: 0.1, epochs: 2 } },
      { train: { lr: 0.01, epochs: 1 } },
      { train: { lr: 0.01, epochs: 2 } },
    ]);
  });

  it('reports every malformed override with its column', () => {
    try {
      expandSweep(['lr=1,', 'ok=1', 'm=[a']);
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(AeroAggregateError);
      const e = error as AeroAggregateError;
      expect(e.code).toBe('OVERRIDE_INVALID');
      expect(e.issues.map((i) => i.details?.['column'])).toEqual([6, 5]);
      expect(e.message.split('\n')[0]).toBe('2 overrides are invalid:');
    }
  });

  it('a single malformed override throws its own error', () => {
    expect(() => expandSweep(['lr=range(1,']))
      .toThrow(AeroError);
  });
});
