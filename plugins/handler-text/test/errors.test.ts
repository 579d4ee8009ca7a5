import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bytesHandler, csvHandler, jsonHandler, jsonlHandler, textHandler, textHandlers } from '../src/index.js';
import { pluginOptionsError, rejection, useTempDir } from '@aeroml/test-utils';

const tmp = useTempDir('aero-handler-text-');

describe('errors', () => {
  it('TEXT_FILE_NOT_FOUND names the handler and the path', async () => {
    const path = tmp.path('nope.json');
    const e = await rejection(jsonHandler().read(path));
    expect(e.code).toBe('TEXT_FILE_NOT_FOUND');
    expect(e.plugin).toBe('@aeroml/handler-text');
    expect(e.message).toBe(`json handler: cannot read ${path}: the file does not exist.`);
    expect(e.hint).toMatch(/wrote this output/);
  });

  it('TEXT_READ_FAILED when the path is a directory', async () => {
    await mkdir(tmp.path('a-dir.txt'));
    const e = await rejection(textHandler().read(tmp.path('a-dir.txt')));
    expect(e.code).toBe('TEXT_READ_FAILED');
    expect(e.message).toMatch(new RegExp(`^text handler: cannot read ${tmp.path('a-dir.txt')}: .*EISDIR`));
    expect(e.hint).toBe('The path is a directory; point at a file.');
  });

  it('TEXT_WRITE_FAILED when a file stands where a directory should be, leaving nothing behind', async () => {
    await writeFile(tmp.path('plain-file'), 'x');
    const target = tmp.path('plain-file', 'out.bin');
    const e = await rejection(bytesHandler().write(target, new Uint8Array(1)));
    expect(e.code).toBe('TEXT_WRITE_FAILED');
    expect(e.message).toMatch(new RegExp(`^bytes handler: cannot write ${target}: .*(ENOTDIR|EEXIST)`));
  });

  it('TEXT_WRITE_FAILED from a write that fails half way removes what it wrote (small values and large ones)', async () => {
    for (const [name, value] of [['small.txt', 'abc'], ['large.txt', 'x'.repeat(64 * 1024)]] as const) {
      // Every write through this link fails with ENOSPC after the file was opened.
      const target = tmp.path(name);
      await symlink('/dev/full', target);
      const e = await rejection(textHandler().write(target, value));
      expect(e.code).toBe('TEXT_WRITE_FAILED');
      expect(e.message).toMatch(new RegExp(`^text handler: cannot write ${target}: .*ENOSPC`));
      expect(existsSync(target)).toBe(false);
    }
  });

  it('TEXT_INVALID_UTF8 gives the line and byte offset', async () => {
    await writeFile(tmp.path('latin1.txt'), Buffer.from([0x61, 0x0a, 0x62, 0x0a, 0x63, 0xe9, 0x0a]));
    const e = await rejection(textHandler().read(tmp.path('latin1.txt')));
    expect(e.code).toBe('TEXT_INVALID_UTF8');
    expect(e.message).toBe(`text handler: ${tmp.path('latin1.txt')} line 3: invalid UTF-8 at byte 5.`);
    expect(e.hint).toMatch(/bytes handler/);
  });

  it('TEXT_JSON_INVALID names the file, line and column', async () => {
    await writeFile(tmp.path('bad.json'), '{\n  "a": 1,\n  "b": }\n');
    const e = await rejection(jsonHandler().read(tmp.path('bad.json')));
    expect(e.code).toBe('TEXT_JSON_INVALID');
    expect(e.message).toBe(`json handler: ${tmp.path('bad.json')} line 3, column 8: invalid JSON: unexpected "}".`);
    expect(e.details).toMatchObject({ line: 3, column: 8 });
    await writeFile(tmp.path('trunc.json'), '{"a": [1,\n 2');
    expect((await rejection(jsonHandler().read(tmp.path('trunc.json')))).message).toBe(
      `json handler: ${tmp.path('trunc.json')} line 2, column 3: invalid JSON: expected ',' or ']' after array element, found end of file.`,
    );
    await writeFile(tmp.path('comma.json'), '[1,\n2,\n]');
    expect((await rejection(jsonHandler().read(tmp.path('comma.json')))).message).toMatch(/line 3, column 1: invalid JSON: trailing comma in array\.$/);
    await writeFile(tmp.path('str.json'), '\n\n"abc');
    expect((await rejection(jsonHandler().read(tmp.path('str.json')))).message).toMatch(/line 3, column 1: invalid JSON: unterminated string\.$/);
  });

  it('TEXT_JSONL_INVALID names the line of the file', async () => {
    await writeFile(tmp.path('bad.jsonl'), '{"a":1}\n\n{"a":2}\n{"a":\n');
    const e = await rejection(jsonlHandler().read(tmp.path('bad.jsonl')));
    expect(e.code).toBe('TEXT_JSONL_INVALID');
    expect(e.message).toBe(`jsonl handler: ${tmp.path('bad.jsonl')} line 4, column 6: invalid JSON: unexpected end of file.`);
  });

  it('TEXT_CSV_INVALID: unterminated quote, stray quote, text after a closing quote', async () => {
    const csv = csvHandler();
    await writeFile(tmp.path('u.csv'), 'a,b\n1,2\n3,"open\nstill open\n');
    const e = await rejection(csv.read(tmp.path('u.csv')));
    expect(e.code).toBe('TEXT_CSV_INVALID');
    expect(e.message).toBe(`csv handler: ${tmp.path('u.csv')} line 3: column 3: quoted field is never closed.`);
    await writeFile(tmp.path('s.csv'), 'a,b\n1,x"y\n');
    expect((await rejection(csv.read(tmp.path('s.csv')))).message).toBe(
      `csv handler: ${tmp.path('s.csv')} line 2: column 4: quote inside an unquoted field (quote the field and double the quote).`,
    );
    await writeFile(tmp.path('t.csv'), 'a,b\n"x"y,2\n');
    expect((await rejection(csv.read(tmp.path('t.csv')))).message).toBe(
      `csv handler: ${tmp.path('t.csv')} line 2: column 4: unexpected "y" after a closing quote (a quote inside a quoted field must be doubled).`,
    );
  });

  it('TEXT_CSV_INVALID: ragged rows (line counted across quoted line breaks) and duplicate columns', async () => {
    const csv = csvHandler();
    await writeFile(tmp.path('r.csv'), 'a,b\n"multi\nline",2\n1,2,3\n');
    const e = await rejection(csv.read(tmp.path('r.csv')));
    expect(e.message).toBe(`csv handler: ${tmp.path('r.csv')} line 4: 3 fields, but the header has 2.`);
    expect(e.hint).toMatch(/header: false/);
    expect(await csvHandler({ header: false }).read(tmp.path('r.csv'))).toEqual([['a', 'b'], ['multi\nline', '2'], ['1', '2', '3']]);
    await writeFile(tmp.path('d.csv'), 'a,b,a\n1,2,3\n');
    expect((await rejection(csv.read(tmp.path('d.csv')))).message).toBe(`csv handler: ${tmp.path('d.csv')} line 1: duplicate column name "a" in the header row.`);
  });

  it('TEXT_VALUE_INVALID points at the offending value', async () => {
    const path = tmp.path('v.json');
    const e = await rejection(jsonHandler().write(path, { a: { b: [1, Number.NaN] } }));
    expect(e.code).toBe('TEXT_VALUE_INVALID');
    expect(e.message).toBe(`json handler: cannot write ${path}: $.a.b[1]: NaN is not representable in JSON.`);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await rejection(jsonHandler().write(path, cyclic))).message).toBe(`json handler: cannot write ${path}: $.self: circular reference.`);
    expect((await rejection(jsonHandler().write(path, { 'odd key': 1n }))).message).toBe(`json handler: cannot write ${path}: $["odd key"]: a bigint is not representable in JSON.`);
    expect((await rejection(jsonlHandler().write(path, [{}, { x: new Uint8Array(2) }]))).message).toBe(`jsonl handler: cannot write ${path}: $[1].x: a Uint8Array is not representable in JSON.`);
    expect((await rejection(textHandler().write(path, null as never))).message).toBe(`text handler: cannot write ${path}: expected a string, got null.`);
    expect((await rejection(bytesHandler().write(path, [1, 2] as never))).message).toBe(`bytes handler: cannot write ${path}: expected a Uint8Array, got Array.`);
    expect((await rejection(csvHandler().write(path, [{ a: 1 }, [1]] as never))).message).toBe(
      `csv handler: cannot write ${path}: row 1 is an array, but with \`header: true\` every row must be a record.`,
    );
    expect((await rejection(csvHandler().write(path, [{ a: Number.POSITIVE_INFINITY }]))).message).toBe(
      `csv handler: cannot write ${path}: row 0 column "a" is Infinity, which CSV cannot hold faithfully.`,
    );
    expect((await rejection(csvHandler({ header: false }).write(path, [[]]))).message).toBe(`csv handler: cannot write ${path}: row 0 is empty; CSV cannot hold a row without fields.`);
  });

  it('PLUGIN_OPTIONS_INVALID lists every problem with its dot path', () => {
    const e = pluginOptionsError(() => csvHandler({ delimiter: ';;', header: 'yes', bogus: 1 } as never), '@aeroml/handler-text');
    expect(e.message.split('\n')).toEqual(['Invalid options for csvHandler():', '  - `header`: expected boolean, received string', '  - `delimiter`: must be exactly one character', '  - `bogus`: unknown option.']);
    expect(() => textHandlers({ csv: { newline: '\r' } } as never)).toThrow('Invalid options for textHandlers():\n  - `csv.newline`: must be "\\n" or "\\r\\n"');
    expect(() => jsonHandler({ indent: 4 } as never)).toThrow('Invalid options for jsonHandler():\n  - `indent`: unknown option.');
    expect(() => csvHandler({ delimiter: '"' })).toThrow('  - `delimiter`: must not be a quote or a line break');
    expect(() => csvHandler({ delimeter: ';' } as never)).toThrow('  - `delimeter`: unknown option. Did you mean `delimiter`?');
  });

  it('per-call csv options are checked the same way', async () => {
    const e = await rejection(csvHandler().read('/nonexistent.csv', { header: 'no' } as never));
    expect(e.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(e.message).toBe('Invalid read/write options of the csv handler:\n  - `header`: expected boolean, received string');
  });
});
