import { readFile, readdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bytesHandler, canonicalJson, csvHandler, jsonHandler, jsonlHandler, textHandler, textHandlers } from '../src/index.js';
import { useTempDir } from '@aeroml/test-utils';

const tmp = useTempDir('aero-handler-text-');

function sortedClone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedClone);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedClone((value as Record<string, unknown>)[k])]));
  }
  return value;
}

describe('textHandlers()', () => {
  it('returns the five handlers with distinct names and versions', () => {
    const handlers = textHandlers();
    expect(handlers.map((h) => h.name)).toEqual(['text', 'json', 'jsonl', 'csv', 'bytes']);
    for (const h of handlers) {
      expect(h.kind).toBe('handler');
      expect(h.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(h.packageName).toBe('@aeroml/handler-text');
    }
  });

  it('passes csv options through', async () => {
    const csv = textHandlers({ csv: { delimiter: ';', header: false } })[3]!;
    await csv.write(tmp.path('semi.csv'), [['a', 'b;c']]);
    expect(await readFile(tmp.path('semi.csv'), 'utf8')).toBe('a;"b;c"\n');
  });
});

describe('json', () => {
  it('writes sorted keys, 2-space indent and a trailing newline', async () => {
    const json = jsonHandler();
    await json.write(tmp.path('a.json'), { b: 1, a: { d: [1, { z: 0, y: 1 }], c: 'x' } });
    expect(await readFile(tmp.path('a.json'), 'utf8')).toBe('{\n  "a": {\n    "c": "x",\n    "d": [\n      1,\n      {\n        "y": 1,\n        "z": 0\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('gives equal bytes for equal values whatever the key insertion order', async () => {
    const json = jsonHandler();
    await json.write(tmp.path('order1.json'), { z: 1, a: 2, m: { y: 1, b: 2 } });
    await json.write(tmp.path('order2.json'), { m: { b: 2, y: 1 }, a: 2, z: 1 });
    expect(await readFile(tmp.path('order1.json'), 'utf8')).toBe(await readFile(tmp.path('order2.json'), 'utf8'));
  });

  it('matches JSON.stringify(sorted, null, 2) on a varied value', () => {
    const value = { list: [1, -0.5, 1e21, 5e-324, 'é', '\u2028', '\u0000', [], {}, [[]]], nested: { deeper: { deepest: [true, false, null] } }, 'quote"key': 'back\\slash', Zed: 1, alpha: -0 };
    expect(canonicalJson(value, 2)).toBe(JSON.stringify(sortedClone(value), null, 2));
    expect(canonicalJson(value, 0)).toBe(JSON.stringify(sortedClone(value)));
  });

  it('sorts integer-like keys as strings too (JavaScript would put them first, numerically)', () => {
    expect(canonicalJson({ b: 1, '10': 2, '2': 3, a: 4 }, 0)).toBe('{"10":2,"2":3,"a":4,"b":1}');
  });

  it('drops undefined properties and uses toJSON, like JSON.stringify', async () => {
    const json = jsonHandler();
    await json.write(tmp.path('date.json'), { when: new Date('2026-01-02T03:04:05.000Z'), gone: undefined });
    expect(await json.read(tmp.path('date.json'))).toEqual({ when: '2026-01-02T03:04:05.000Z' });
  });

  it('reads a file with a UTF-8 byte-order mark', async () => {
    await writeFile(tmp.path('bom.json'), '\uFEFF{"a": 1}');
    expect(await jsonHandler().read(tmp.path('bom.json'))).toEqual({ a: 1 });
  });

  it('describes objects and arrays', () => {
    const json = jsonHandler();
    expect(json.describe!({ b: 1, a: 2 })).toEqual({ type: 'object', keys: 2, fields: ['a', 'b'] });
    expect(json.describe!([1, 2, 3])).toEqual({ type: 'array', length: 3 });
    expect(json.describe!('s')).toEqual({ type: 'string' });
  });
});

describe('jsonl', () => {
  it('writes one compact canonical line per value and skips blank lines on read', async () => {
    const jsonl = jsonlHandler();
    await jsonl.write(tmp.path('m.jsonl'), [{ step: 1, loss: 0.5 }, 'x']);
    expect(await readFile(tmp.path('m.jsonl'), 'utf8')).toBe('{"loss":0.5,"step":1}\n"x"\n');
    await writeFile(tmp.path('blank.jsonl'), '{"a":1}\r\n\n  \n{"a":2}');
    expect(await jsonl.read(tmp.path('blank.jsonl'))).toEqual([{ a: 1 }, { a: 2 }]);
    expect(jsonl.describe!([1, 2])).toEqual({ rows: 2 });
  });
});

describe('csv', () => {
  it('writes a header row from the union of keys in first-seen order; missing cells are empty', async () => {
    const csv = csvHandler();
    await csv.write(tmp.path('u.csv'), [{ a: 1, b: 'x' }, { c: true, a: 2 }]);
    expect(await readFile(tmp.path('u.csv'), 'utf8')).toBe('a,b,c\n1,x,\n2,,true\n');
    expect(await csv.read(tmp.path('u.csv'))).toEqual([
      { a: '1', b: 'x', c: '' },
      { a: '2', b: '', c: 'true' },
    ]);
  });

  it('parses numbers only when asked, also per call', async () => {
    await writeFile(tmp.path('n.csv'), 'x,y,z\n1,-2.5e3,007\n.5,1.,abc\n');
    expect(await csvHandler().read(tmp.path('n.csv'))).toEqual([
      { x: '1', y: '-2.5e3', z: '007' },
      { x: '.5', y: '1.', z: 'abc' },
    ]);
    const numeric = [
      { x: 1, y: -2500, z: 7 },
      { x: 0.5, y: 1, z: 'abc' },
    ];
    expect(await csvHandler({ numbers: true }).read(tmp.path('n.csv'))).toEqual(numeric);
    expect(await csvHandler().read(tmp.path('n.csv'), { numbers: true })).toEqual(numeric);
  });

  it('reads CRLF line breaks, quoted CRLF inside fields, a BOM and a missing final newline', async () => {
    await writeFile(tmp.path('crlf.csv'), '\uFEFFname,text\r\n"a","x\r\ny"\r\nb,"say ""hi"""');
    expect(await csvHandler().read(tmp.path('crlf.csv'))).toEqual([
      { name: 'a', text: 'x\r\ny' },
      { name: 'b', text: 'say "hi"' },
    ]);
  });

  it('writes CRLF when asked, and a tab-separated file with delimiter "\\t"', async () => {
    await csvHandler({ newline: '\r\n' }).write(tmp.path('w.csv'), [{ a: 'x', b: 'y' }]);
    expect(await readFile(tmp.path('w.csv'), 'utf8')).toBe('a,b\r\nx,y\r\n');
    const tsv = csvHandler({ delimiter: '\t', header: false });
    await tsv.write(tmp.path('t.csv'), [['a\tb', 'c,d']]);
    expect(await readFile(tmp.path('t.csv'), 'utf8')).toBe('"a\tb"\tc,d\n');
    expect(await tsv.read(tmp.path('t.csv'))).toEqual([['a\tb', 'c,d']]);
  });

  it('describes rows and columns', () => {
    const csv = csvHandler();
    expect(csv.describe!([{ a: 1, b: 2 }, { a: 3, c: 4 }])).toEqual({ rows: 2, columns: 3, header: ['a', 'b', 'c'] });
    expect(csvHandler({ header: false }).describe!([['a', 'b'], ['c']])).toEqual({ rows: 2, columns: 2 });
  });
});

describe('text and bytes', () => {
  it('text keeps the string exactly and describes length, bytes and lines', async () => {
    const text = textHandler();
    const value = '\uFEFFé\r\nline two\n';
    await text.write(tmp.path('t.txt'), value);
    expect(await text.read(tmp.path('t.txt'))).toBe(value);
    expect(text.describe!(value)).toEqual({ length: value.length, bytes: Buffer.byteLength(value), lines: 2 });
    expect(text.describe!('a\nb')).toEqual({ length: 3, bytes: 3, lines: 2 });
  });

  it('bytes accepts a Buffer and reads back a plain Uint8Array', async () => {
    const bytes = bytesHandler();
    await bytes.write(tmp.path('b.bin'), Buffer.from([1, 2, 3]));
    const back = await bytes.read(tmp.path('b.bin'));
    expect(back.constructor).toBe(Uint8Array);
    expect([...back]).toEqual([1, 2, 3]);
    expect(bytes.describe!(back)).toEqual({ length: 3 });
  });

  it('creates missing parent directories and leaves only the target file', async () => {
    await textHandler().write(tmp.path('deep', 'er', 'x.txt'), 'x');
    expect(await readdir(tmp.path('deep', 'er'))).toEqual(['x.txt']);
  });
});
