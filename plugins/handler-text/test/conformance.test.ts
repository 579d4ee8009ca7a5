import { describeHandler } from '@aeroml/test-utils';
import { bytesHandler, csvHandler, jsonHandler, jsonlHandler, textHandler } from '../src/index.js';

describeHandler('text', () => textHandler(), {
  extension: 'txt',
  samples: [
    { name: 'empty', value: '' },
    { name: 'unicode', value: 'héllo ✓ 日本 🚀\n' },
    { name: 'crlf and bom kept', value: '\uFEFFa\r\nb\r\n' },
    { name: 'no trailing newline', value: 'one\ntwo' },
  ],
  corrupt: [{ name: 'invalid utf-8', content: Uint8Array.from([0x61, 0x0a, 0xff, 0xfe]) }],
  invalid: [{ name: 'a number', value: 42 }],
});

describeHandler('json', () => jsonHandler(), {
  extension: 'json',
  samples: [
    { name: 'nested object', value: { b: [1, 2.5, -3e-9], a: { c: null, d: true, e: 'x"y' } } },
    { name: 'array', value: [1, 'two', { three: 3 }, [], {}] },
    { name: 'string', value: 'just a string' },
    { name: 'null', value: null },
    { name: 'unicode keys', value: { 'ü': 1, 'a b': 2, '': 3, '10': 4, '9': 5 } },
  ],
  corrupt: [
    { name: 'truncated', content: '{"a": [1, 2' },
    { name: 'trailing comma', content: '{"a": 1,}' },
    { name: 'empty file', content: '' },
  ],
  invalid: [
    { name: 'NaN', value: { loss: Number.NaN } },
    { name: 'a function', value: { f: () => 1 } },
    { name: 'a Map', value: new Map([['a', 1]]) },
    { name: 'undefined', value: undefined },
  ],
});

describeHandler('jsonl', () => jsonlHandler(), {
  extension: 'jsonl',
  samples: [
    { name: 'records', value: [{ step: 0, loss: 1.5 }, { step: 1, loss: 0.75, tags: ['a'] }] },
    { name: 'mixed values', value: [1, 'two', null, [3], { text: 'line\nbreak' }] },
    { name: 'empty', value: [] },
  ],
  corrupt: [{ name: 'bad second line', content: '{"a":1}\n{"a":\n' }],
  invalid: [
    { name: 'not an array', value: { a: 1 } },
    { name: 'Infinity in a row', value: [{ a: Number.POSITIVE_INFINITY }] },
  ],
});

describeHandler('csv', () => csvHandler(), {
  extension: 'csv',
  samples: [
    { name: 'records', value: [{ id: '1', name: 'alpha', note: '' }, { id: '2', name: 'beta', note: 'x' }] },
    { name: 'quoting', value: [{ text: 'a,b', quote: 'say "hi"', multi: 'line1\nline2', crlf: 'a\r\nb', space: ' padded ' }] },
    { name: 'empty', value: [] },
  ],
  corrupt: [
    { name: 'unterminated quote', content: 'a,b\n1,"oops\n' },
    { name: 'stray quote', content: 'a,b\n1,x"y\n' },
    { name: 'ragged row', content: 'a,b\n1,2,3\n' },
  ],
  invalid: [
    { name: 'not an array', value: 'a,b' },
    { name: 'nested object cell', value: [{ a: { b: 1 } }] },
  ],
});

describeHandler('csv (header: false, numbers: true)', () => csvHandler({ header: false, numbers: true }), {
  extension: 'csv',
  samples: [
    { name: 'rows', value: [['x', 'y'], [1, 2.5], [-3, 1e21], ['', 'a,"b"']] },
    { name: 'single empty cell row', value: [['a'], [''], ['b']] },
  ],
  corrupt: [{ name: 'text after closing quote', content: '"a"b,c\n' }],
  invalid: [{ name: 'empty row', value: [['a'], []] }],
});

describeHandler('bytes', () => bytesHandler(), {
  extension: 'bin',
  samples: [
    { name: 'all byte values', value: Uint8Array.from({ length: 256 }, (_, i) => i) },
    { name: 'empty', value: new Uint8Array(0) },
    { name: 'one MiB', value: Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff) },
  ],
  invalid: [{ name: 'a string', value: 'text' }],
});
