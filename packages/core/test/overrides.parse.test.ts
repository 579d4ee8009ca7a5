import { describe, expect, it } from 'vitest';
import { AeroError } from '../src/errors.js';
import { parseOverride } from '../src/overrides/index.js';
import { caught } from './caught.js';

const fail = (text: string): AeroError => caught(() => parseOverride(text), `${text} to fail`);

describe('parseOverride: kinds and keys (Hydra "Basic Override syntax" → "Modifying the Config Object")', () => {
  it('key=value is a set', () => {
    const o = parseOverride('train.lr=0.01');
    expect(o).toMatchObject({ kind: 'set', key: 'train.lr', path: ['train', 'lr'], value: 0.01, valueText: '0.01', keyColumn: 1, valueColumn: 10, isGroupPath: false });
    expect(o.sweep).toBeUndefined();
  });

  it('+key=value adds, ++key=value forces, ~key deletes, ~key=value deletes a matching value', () => {
    expect(parseOverride('+model.depth=4')).toMatchObject({ kind: 'add', key: 'model.depth', value: 4, keyColumn: 2 });
    expect(parseOverride('++model.depth=4')).toMatchObject({ kind: 'force', key: 'model.depth', value: 4, keyColumn: 3 });
    expect(parseOverride('~data.cache')).toMatchObject({ kind: 'delete', key: 'data.cache', value: undefined, valueText: undefined });
    expect(parseOverride('~data.cache=true')).toMatchObject({ kind: 'delete', value: true });
    expect(parseOverride('~data.cache=')).toMatchObject({ kind: 'delete', value: undefined });
  });

  it('group paths use slashes and may carry a package (Hydra "Modifying the Defaults List")', () => {
    expect(parseOverride('trainer/callbacks=early_stop')).toMatchObject({ key: 'trainer/callbacks', path: ['trainer', 'callbacks'], isGroupPath: true, value: 'early_stop' });
    expect(parseOverride('db@backup=mysql')).toMatchObject({ key: 'db', package: 'backup', value: 'mysql' });
    expect(parseOverride('+server/db@src.db=mysql')).toMatchObject({ kind: 'add', key: 'server/db', package: 'src.db' });
  });

  it('dot paths may index lists', () => {
    expect(parseOverride('layers.0.units=64').path).toEqual(['layers', '0', 'units']);
  });

  it('key= is the empty string (Hydra: "key= (for empty value)")', () => {
    expect(parseOverride('name=').value).toBe('');
  });
});

describe('parseOverride: typed values (Hydra "Basic Override syntax" → "Primitives")', () => {
  const cases: [string, unknown][] = [
    ['10', 10],
    ['-20', -20],
    ['1_000_000', 1_000_000],
    ['3.14', 3.14],
    ['1e-3', 0.001],
    ['-10e3', -10000],
    ['.5', 0.5],
    ['1.', 1],
    ['inf', Infinity],
    ['-INF', -Infinity],
    ['true', true],
    ['TrUe', true],
    ['False', false],
    ['null', null],
    ['NULL', null],
    ['foo_10', 'foo_10'],
    ['007', '007'],
    ['1.2.3', '1.2.3'],
    ['/data/set-1', '/data/set-1'],
    ['http://host:80/x', 'http://host:80/x'],
    ['a=b', 'a=b'],
    // quoted values are always strings, with escaped quotes ("Quoted values")
    ["'10'", '10'],
    ['"hello, world"', 'hello, world'],
    ["'it\\'s'", "it's"],
    ['"null"', 'null'],
    // whitespace inside unquoted values is kept, leading/trailing is dropped ("Whitespaces in unquoted values")
    ['  hello world  ', 'hello world'],
    // escaped characters in unquoted values ("Escaped characters in unquoted values")
    ['a\\,b', 'a,b'],
    ['x\\ y', 'x y'],
    ['C:\\path', 'C:\\path'],
    // an escape makes it a string even when it looks like a number
    ['1\\,000', '1,000'],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseOverride(`k=${text}`).value).toEqual(expected);
  });

  it('nan is a float', () => {
    expect(Number.isNaN(parseOverride('k=nan').value)).toBe(true);
  });

  it('lists and dictionaries, nested, with whitespace ("Dictionaries and Lists")', () => {
    expect(parseOverride('k=[1, 2.5, a, [true, null], {x: 1}]').value).toEqual([1, 2.5, 'a', [true, null], { x: 1 }]);
    expect(parseOverride('k={a: 10, b: [x, y], "c d": "e"}').value).toEqual({ a: 10, b: ['x', 'y'], 'c d': 'e' });
    expect(parseOverride('k=[]').value).toEqual([]);
    expect(parseOverride('k={}').value).toEqual({});
  });

  it('interpolations stay strings, commas inside them do not split ("Interpolation")', () => {
    const o = parseOverride('dir=${env:HOME,/tmp}/runs');
    expect(o.value).toBe('${env:HOME,/tmp}/runs');
    expect(o.sweep).toBeUndefined();
    expect(parseOverride('n=${model.depth}').value).toBe('${model.depth}');
  });

  it('casts: int(), float(), str(), bool() (Hydra "Extended Override syntax" → "Type casting")', () => {
    expect(parseOverride('k=int(3.9)').value).toBe(3);
    expect(parseOverride('k=float(1)').value).toBe(1);
    expect(parseOverride('k=str(10)').value).toBe('10');
    expect(parseOverride('k=bool(0)').value).toBe(false);
    expect(parseOverride("k=int('12')").value).toBe(12);
    expect(parseOverride('k=str([1,2])').value).toEqual(['1', '2']);
  });

  it('sort() sorts a list ("Sorting")', () => {
    expect(parseOverride('k=sort([3,1,2])').value).toEqual([1, 2, 3]);
    expect(parseOverride('k=sort([b,a],reverse=true)').value).toEqual(['b', 'a']);
  });
});

describe('parseOverride: sweeps (Hydra "Extended Override syntax" → "Sweeps")', () => {
  it('a comma list is a choice sweep ("Choice sweep")', () => {
    const o = parseOverride('lr=1e-3,1e-2');
    expect(o.value).toBeUndefined();
    expect(o.sweep).toEqual({ kind: 'choice', choices: [{ value: 0.001, text: '1e-3' }, { value: 0.01, text: '1e-2' }] });
  });

  it('choice(...) is the same sweep', () => {
    expect(parseOverride('model=choice(small, large)').sweep?.choices.map((c) => c.value)).toEqual(['small', 'large']);
  });

  it('quoted commas stay literal', () => {
    const o = parseOverride("msg='a,b',c");
    expect(o.sweep?.choices).toEqual([{ value: 'a,b', text: "'a,b'" }, { value: 'c', text: 'c' }]);
    expect(parseOverride("msg='a,b'").value).toBe('a,b');
  });

  it('a list of lists sweeps over lists', () => {
    expect(parseOverride('k=[1,2],[3]').sweep?.choices.map((c) => c.value)).toEqual([[1, 2], [3]]);
  });

  it('range(start, stop, step) is exclusive of stop ("Range sweep")', () => {
    expect(parseOverride('seed=range(0,3)').sweep).toMatchObject({ kind: 'range', start: 0, stop: 3, step: 1 });
    expect(parseOverride('seed=range(0,3)').sweep?.choices.map((c) => c.value)).toEqual([0, 1, 2]);
    expect(parseOverride('seed=range(1,10,3)').sweep?.choices.map((c) => c.value)).toEqual([1, 4, 7]);
    expect(parseOverride('seed=range(5,0,-2)').sweep?.choices.map((c) => c.value)).toEqual([5, 3, 1]);
    expect(parseOverride('seed=range(3)').sweep?.choices.map((c) => c.value)).toEqual([0, 1, 2]);
    expect(parseOverride('x=range(0,1,step=0.2)').sweep?.choices.map((c) => c.text)).toEqual(['0', '0.2', '0.4', '0.6', '0.8']);
    expect(parseOverride('x=range(start=1,stop=3)').sweep?.choices.map((c) => c.value)).toEqual([1, 2]);
  });

  it('sort() and casts apply to every choice', () => {
    expect(parseOverride('k=sort(3,1,2)').sweep?.choices.map((c) => c.value)).toEqual([1, 2, 3]);
    expect(parseOverride('k=sort(choice(b,c,a),reverse=true)').sweep?.choices.map((c) => c.value)).toEqual(['c', 'b', 'a']);
    expect(parseOverride('k=str(range(1,3))').sweep?.choices).toEqual([
      { value: '1', text: "'1'" },
      { value: '2', text: "'2'" },
    ]);
  });
});

describe('parseOverride: malformed overrides point at the column', () => {
  it('unclosed list', () => {
    const error = fail('lr=[1,2');
    expect(error.code).toBe('OVERRIDE_INVALID');
    expect(error.message).toBe('Invalid override `lr=[1,2` at column 8: expected `]` to close the list opened at column 4.\n    lr=[1,2\n           ^');
    expect(error.details).toEqual({ override: 'lr=[1,2', column: 8 });
    expect(error.hint).toContain('key=value');
  });

  // The whole message: what is wrong, the override, and a caret under the column.
  it.each([
    ['missing =', 'lr', 'Invalid override `lr` at column 3: expected `=` after the key (to delete the key write ~lr).\n    lr\n      ^'],
    ['spaces around =', 'lr =1', 'Invalid override `lr =1` at column 3: whitespace in the key; write key=value without spaces around `=`.\n    lr =1\n      ^'],
    ['unterminated quote points at the opening quote', "msg='hello", "Invalid override `msg='hello` at column 5: unterminated quoted string: add the closing '.\n    msg='hello\n        ^"],
  ])('%s', (_name, text, message) => {
    expect(fail(text).message).toBe(message);
  });

  // Each override and the part of its message that names the column and what is wrong there.
  it.each([
    // missing =
    ['+lr', 'at column 4: expected `=` after the key'],
    // bad key characters and empty segments
    ['model..depth=1', 'at column 7: empty key segment'],
    ['1st=1', 'at column 1: `1st` is not a valid key name'],
    ['=5', 'at column 1: missing key before `=`'],
    ['trainer/call.backs=x', 'at column 13: a config group path uses `/` only'],
    ['lr!=1', 'at column 3: unexpected `!` in the key'],
    ['', 'empty override'],
    // text after a quoted string
    ["msg='a'b", "at column 8: unexpected `b` after the quoted string"],
    // dangling comma and stray closers
    ['lr=1,', 'at column 6: expected a value after `,`'],
    ['lr=1]', 'at column 5: unexpected `]`'],
    ['k=[1,,2]', 'at column 6: expected a value before `,`'],
    // dictionaries need key: value
    ['k={a 1}', 'at column 7: expected `:` after the dictionary key `a 1`'],
    ['k={a:1', 'at column 7: expected `}` to close the dictionary opened at column 3'],
    // functions: unknown, unsupported, unclosed, bad arguments
    ['k=foo(1)', 'at column 3: unknown function `foo(...)`'],
    ['k=glob(*)', "at column 3: Hydra's `glob(...)` is not supported by aero"],
    ['k=range(1,3', 'at column 12: expected `)` to close `range(` opened at column 8'],
    ['k=range(a,3)', 'at column 9: range(...) start must be a finite number'],
    ['k=range(3,1)', 'range(3, 1, 1) is empty'],
    ['k=range(0,1,0)', 'step cannot be 0'],
    ['k=range(0,1e9)', 'the limit is 100000'],
    ['k=int(abc)', 'at column 7: cannot cast abc to int'],
    ['k=range(1,2,x=1)', 'has no argument named `x`'],
    ['k=a(b', 'expected `)`'],
    // sweeps cannot be nested
    ['k=[choice(1,2)]', 'at column 4: a sweep cannot be nested inside a list'],
    ['k=a,range(1,3)', 'at column 5: a sweep function cannot be one element'],
    ['~k=a,b', 'at column 4: a delete (~key=value) cannot sweep'],
    // unexpected characters inside unquoted values
    ['k=a(b)c', 'at column 3'],
    ['k=x[1]', 'at column 4: unexpected `[` inside a value'],
    ["k=it's", 'at column 5: unexpected quote inside an unquoted value'],
    ['k=${a.b', 'at column 3: unterminated interpolation'],
  ])('%j', (text, part) => {
    expect(fail(text).message).toContain(part);
  });
});
