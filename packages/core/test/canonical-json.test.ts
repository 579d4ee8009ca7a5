import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex, sortedCopyJson } from '../src/hash.js';

describe('canonicalJson', () => {
  // The flat values cache keys are made of (fast path) and values next to them (general path).
  const values: unknown[] = [
    null,
    {},
    Object.create(null),
    { out: 'out.txt|text@1.0.0' },
    { b: 'x', a: 'y', c: 'z' },
    { split: 'train', sim: 3 },
    { sim: -0, lr: 0.001, big: 1e21, on: true, off: false },
    { skipped: undefined, kept: 'k' },
    { prev: ['3f'.repeat(32)], many: ['b', 'a'], none: [] },
    { 'ünï': 'ç', 'a"b': 'q"uote\n', '\u2028': '\u2028' },
    { '10': 'ten', '9': 'nine', b: 'b' },
    { '007': 'a', x: 'c', '4294967296': 'not an index' },
    { nan: NaN, inf: -Infinity },
    { nested: { b: 1, a: 2 } },
    { list: ['a', undefined, 'c'] },
    { when: new Date(0) },
    { n: 10n },
    JSON.parse('{"__proto__": "x", "a": "b"}'),
    [3, { b: 1, a: 2 }],
    'text',
    42,
  ];
  it.each(values.map((v, i) => [i, v]))('value %i: same text as the sorted copy', (_i, value) => {
    // The direct writer (flat values) and the sorted copy (the rest) give one text.
    expect(canonicalJson(value)).toBe(sortedCopyJson(value));
  });

  it('sorts members whatever order they were set in, integer-like keys first as the copy orders them', () => {
    expect(canonicalJson({ z: 'last', a: 'first' })).toBe('{"a":"first","z":"last"}');
    expect(canonicalJson({ b: 'b', '10': 'ten', '9': 'nine' })).toBe('{"9":"nine","10":"ten","b":"b"}');
    expect(canonicalJson({ nested: { b: 1, a: [2, { d: 1, c: 0 }] } })).toBe('{"nested":{"a":[2,{"c":0,"d":1}],"b":1}}');
  });
});

describe('sha256Hex', () => {
  it('is the sha256 of a string and of bytes, as lowercase hex', () => {
    for (const data of ['', 'abc', '{"action":"a1"}', 'ünïcode', new Uint8Array([0, 1, 2, 255])]) {
      expect(sha256Hex(data)).toBe(createHash('sha256').update(data).digest('hex'));
    }
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
