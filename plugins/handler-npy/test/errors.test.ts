import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pluginOptionsError, pluginRejection, thrown, useTempDir } from '@aeroml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { ndarray, npyHandlers, readNpy, readNpz, writeNpy, writeNpz } from '../src/index.js';
import { npyRef } from './python.js';

const tmp = useTempDir('aero-npy-err-');
let files: Record<string, string>;
const [npy, npz] = npyHandlers();

beforeAll(async () => {
  files = await npyRef<Record<string, string>>('errors', tmp.path());
});

const failure = (promise: Promise<unknown>) => pluginRejection(promise, '@aeroml/handler-npy');

function npyBytes(headerText: string, major = 1, payload = new Uint8Array(0)): Uint8Array {
  const text = Buffer.from(headerText, 'latin1');
  const lenSize = major === 1 ? 2 : 4;
  const out = Buffer.alloc(8 + lenSize + text.length + payload.length);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(out, 0);
  if (lenSize === 2) out.writeUInt16LE(text.length, 8);
  else out.writeUInt32LE(text.length, 8);
  text.copy(out, 8 + lenSize);
  Buffer.from(payload).copy(out, 8 + lenSize + text.length);
  return out;
}

describe('reading errors', () => {
  it('NPY_NOT_NPY: a file that is not NPY', async () => {
    const path = tmp.path('text.npy');
    await writeFile(path, 'hello, this is text\n');
    const e = await failure(readNpy(path));
    expect(e.code).toBe('NPY_NOT_NPY');
    expect(e.message).toBe(`${path} is not an NPY file: it does not start with the magic bytes \\x93NUMPY.`);
    expect(e.hint).toContain('numpy.save');
  });

  it('NPY_VERSION_UNSUPPORTED: an unknown format version', async () => {
    const path = tmp.path('v4.npy');
    await writeFile(path, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", 4));
    const e = await failure(readNpy(path));
    expect(e.code).toBe('NPY_VERSION_UNSUPPORTED');
    expect(e.message).toBe(`${path} uses NPY format version 4.0; @aeroml/handler-npy reads versions 1.0, 2.0 and 3.0.`);
  });

  it('NPY_HEADER_INVALID: a header that is not the expected dict', async () => {
    const path = tmp.path('garbage-header.npy');
    await writeFile(path, npyBytes("{'descr': '<f8', 'shape': (1,), }\n"));
    const e = await failure(readNpy(path));
    expect(e.code).toBe('NPY_HEADER_INVALID');
    expect(e.message).toBe(
      `${path} has an invalid NPY header: expected keys descr, fortran_order, shape but found descr, shape in "{'descr': '<f8', 'shape': (1,), }".`,
    );
    const syntax = tmp.path('syntax-header.npy');
    await writeFile(syntax, npyBytes("{'descr': '<f8', 'fortran_order': Flase, 'shape': (1,)}\n"));
    const e2 = await failure(readNpy(syntax));
    expect(e2.code).toBe('NPY_HEADER_INVALID');
    expect(e2.message).toMatch(/has an unreadable NPY header \(unexpected "F" at \d+\)/);
  });

  it('NPY_DTYPE_UNSUPPORTED: structured arrays (written by numpy)', async () => {
    const e = await failure(npy.read(files['structured.npy']!));
    expect(e.code).toBe('NPY_DTYPE_UNSUPPORTED');
    expect(e.message).toBe(
      `${files['structured.npy']} holds a structured array (dtype with fields 'x', 'y'); @aeroml/handler-npy reads plain numeric arrays only (bool, int8-64, uint8-64, float16/32/64 and complex64/128).`,
    );
    expect(e.hint).toContain('Save each field as its own array');
  });

  it('NPY_DTYPE_UNSUPPORTED: object, string and datetime arrays (written by numpy)', async () => {
    const obj = await failure(npy.read(files['object.npy']!));
    expect(obj.code).toBe('NPY_DTYPE_UNSUPPORTED');
    expect(obj.message).toBe(`${files['object.npy']} holds an object array (pickled Python objects); @aeroml/handler-npy reads plain numeric arrays only (bool, int8-64, uint8-64, float16/32/64 and complex64/128).`);
    expect(obj.hint).toContain('pickle');
    const str = await failure(npy.read(files['unicode.npy']!));
    expect(str.message).toContain(`holds a string array (dtype '<U3')`);
    const dt = await failure(npy.read(files['datetime.npy']!));
    expect(dt.message).toContain(`holds a datetime/timedelta array (dtype '<M8[D]')`);
    expect(dt.hint).toContain("astype('int64')");
  });

  it('NPY_TRUNCATED: a payload cut short', async () => {
    const e = await failure(npy.read(files['truncated.npy']!));
    expect(e.code).toBe('NPY_TRUNCATED');
    expect(e.message).toBe(`${files['truncated.npy']} is truncated: the header announces 800 bytes of float64 data for shape [100] but only 400 follow.`);
    const path = tmp.path('cut-header.npy');
    await writeFile(path, (await readFile(files['truncated.npy']!)).subarray(0, 40));
    const e2 = await failure(readNpy(path));
    expect(e2.message).toBe(`${path} is truncated: it ends inside the NPY header.`);
  });

  it('NPY_TOO_LARGE: a header announcing more than can be allocated', async () => {
    const path = tmp.path('huge.npy');
    await writeFile(path, npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1125899906842624,), }\n"));
    const e = await failure(readNpy(path));
    expect(e.code).toBe('NPY_TOO_LARGE');
    expect(e.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot allocate 9007199254740992 bytes for the array \\(.+\\)\\.$`));
  });

  it('NPY_READ_FAILED: a missing file', async () => {
    const path = tmp.path('missing.npy');
    const e = await failure(npy.read(path));
    expect(e.code).toBe('NPY_READ_FAILED');
    expect(e.message).toBe(`Could not read ${path}: the file does not exist.`);
    const e2 = await failure(npz.read(tmp.path('missing.npz')));
    expect(e2.code).toBe('NPY_READ_FAILED');
  });

  it('NPY_ZIP_INVALID: not a zip, or a truncated one', async () => {
    const path = tmp.path('not-zip.npz');
    await writeFile(path, 'definitely not a zip archive');
    const e = await failure(npz.read(path));
    expect(e.code).toBe('NPY_ZIP_INVALID');
    expect(e.message).toBe(`${path} is not a readable NPZ (zip) archive: it does not start with a zip signature.`);
    const cut = tmp.path('cut.npz');
    const whole = await readFile(files['corrupt.npz']!);
    await writeFile(cut, whole.subarray(0, whole.length - 30));
    const e2 = await failure(npz.read(cut));
    expect(e2.message).toBe(`${cut} is not a readable NPZ (zip) archive: the end-of-central-directory record is missing (the file is truncated).`);
  });

  it('NPY_ZIP_UNSUPPORTED: compression methods other than stored/deflated', async () => {
    const e = await failure(npz.read(files['bzip2.npz']!));
    expect(e.code).toBe('NPY_ZIP_UNSUPPORTED');
    expect(e.message).toBe(`${files['bzip2.npz']} (array 'a') uses zip compression method 12; @aeroml/handler-npy reads stored (0) and deflated (8) members.`);
  });

  it('NPY_ZIP_CRC_MISMATCH: a flipped byte in a stored member', async () => {
    const e = await failure(npz.read(files['corrupt.npz']!));
    expect(e.code).toBe('NPY_ZIP_CRC_MISMATCH');
    expect(e.message).toMatch(/^.+corrupt\.npz \(array 'a'\) is corrupt: its CRC-32 is 0x[0-9a-f]{8} but the archive records 0x[0-9a-f]{8}\.$/);
  });

  it('NPY_ARRAY_NOT_FOUND: selecting an array the archive does not have', async () => {
    const e = await failure(readNpz(files['with-structured.npz']!, { arrays: ['good', 'nope'] }));
    expect(e.code).toBe('NPY_ARRAY_NOT_FOUND');
    expect(e.message).toBe(`${files['with-structured.npz']} has no array named 'nope'; it holds 'good', 'bad'.`);
  });

  it('structured members of an npz fail clearly, and the others can still be selected', async () => {
    const e = await failure(npz.read(files['with-structured.npz']!));
    expect(e.code).toBe('NPY_DTYPE_UNSUPPORTED');
    expect(e.message).toContain(`(array 'bad') holds a structured array (dtype with fields 'x')`);
    const good = await readNpz(files['with-structured.npz']!, { arrays: ['good'] });
    expect([...(good['good']!.data as Int32Array)]).toEqual([0, 1, 2, 3]);
  });
});

describe('writing errors', () => {
  it('NPY_VALUE_INVALID: lists every problem of a bad NDArray and leaves no file', async () => {
    const sub = tmp.path('invalid');
    const path = join(sub, 'bad.npy');
    const e = await failure(npy.write(path, { dtype: 'float32', shape: [2, -1], data: new Float64Array(2), fortranOrder: 'yes' } as never));
    expect(e.code).toBe('NPY_VALUE_INVALID');
    expect(e.message).toBe(
      [
        `Cannot write ${path}: the value is not a valid NDArray:`,
        '  - `shape`: expected an array of non-negative integers, got [2,-1]',
        '  - `fortranOrder`: expected a boolean, got "yes"',
        "  - `data`: dtype 'float32' needs a Float32Array, got Float64Array",
      ].join('\n'),
    );
    expect(await readdir(sub).catch(() => [])).toEqual([]);
    const e2 = await failure(writeNpy(path, { dtype: 'complex64', shape: [3], data: new Float32Array(3), fortranOrder: false }));
    expect(e2.message).toContain("`data`: shape [3] of complex64 needs 6 elements (interleaved re, im), got 3");
    const e3 = await failure(npy.write(path, 'not an array' as never));
    expect(e3.message).toBe(`Cannot write ${path}: the value is not a valid NDArray:\n  - expected an NDArray { dtype, shape, data, fortranOrder } or a typed array, got string`);
    const e4 = await failure(npy.write(path, { dtype: 'float128', shape: [1], data: new Float64Array(1), fortranOrder: false } as never));
    expect(e4.message).toContain('`dtype`: expected one of bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64, complex64, complex128, got "float128"');
  });

  it('NPY_VALUE_INVALID: an npz value must be an object of arrays', async () => {
    const e = await failure(npz.write(tmp.path('x.npz'), [ndarray('int8', [1])] as never));
    expect(e.code).toBe('NPY_VALUE_INVALID');
    expect(e.message).toBe(`Cannot write ${tmp.path('x.npz')}: an npz value is an object of arrays ({ name: NDArray, ... }), got an array.`);
    const e2 = await failure(npz.write(tmp.path('y.npz'), { ok: ndarray('int8', [1]), bad: { dtype: 'int8', shape: [2], data: new Int8Array(1), fortranOrder: false } } as never));
    expect(e2.message).toContain(`Cannot write ${tmp.path('y.npz')} (array 'bad'): the value is not a valid NDArray`);
    expect(await readdir(tmp.path()).then((names) => names.filter((n) => n.startsWith('y.npz')))).toEqual([]);
  });

  it('NPY_VALUE_INVALID: a header too long for a forced version 1.0', async () => {
    const shape = Array.from({ length: 30000 }, () => 1);
    const e = await failure(writeNpy(tmp.path('many-dims.npy'), ndarray('uint8', shape), { version: '1.0' }));
    expect(e.code).toBe('NPY_VALUE_INVALID');
    expect(e.message).toBe(`${tmp.path('many-dims.npy')}: the NPY header for shape [${shape.join(', ')}] is longer than format 1.0 allows (65535 bytes).`);
  });

  it('NPY_VALUE_INVALID: ndarray() refuses an unknown dtype, a negative shape, the wrong typed array and a length that does not fit', () => {
    const made = (fn: () => unknown) => {
      const e = thrown(fn);
      expect(e.name).toBe('AeroError');
      expect(e.code).toBe('NPY_VALUE_INVALID');
      expect(e.plugin).toBe('@aeroml/handler-npy');
      expect(e.hint).toContain("ndarray('float32', [2, 3], new Float32Array(6))");
      return e.message as string;
    };
    const dtypes = 'bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64, complex64, complex128';
    expect(made(() => ndarray('flaot32' as never, [2]))).toBe(`ndarray('flaot32', [2]) cannot make an array:\n  - \`dtype\`: 'flaot32' is not a dtype; use one of ${dtypes}. Did you mean \`float32\`?`);
    expect(made(() => ndarray('constructor' as never, [1]))).toBe(`ndarray('constructor', [1]) cannot make an array:\n  - \`dtype\`: 'constructor' is not a dtype; use one of ${dtypes}.`);
    expect(made(() => ndarray('float32', [2, -1]))).toBe(
      "ndarray('float32', [2, -1]) cannot make an array:\n  - `shape`: expected an array of non-negative integers, got [2, -1]; give each axis a size >= 0, e.g. [2, 3] ([] for a 0-d array)",
    );
    expect(made(() => ndarray('float32', [1.5]))).toContain('got [1.5]; give each axis a size >= 0');
    expect(made(() => ndarray('float32', [3], new Float64Array(3) as never))).toBe(
      "ndarray('float32', [3]) cannot make an array:\n  - `data`: dtype 'float32' needs a Float32Array, got Float64Array; convert the data to a Float32Array or pass dtype 'float64'",
    );
    expect(made(() => ndarray('int64', [2], [1, 2] as never))).toBe("ndarray('int64', [2]) cannot make an array:\n  - `data`: dtype 'int64' needs a BigInt64Array, got Array; convert the data to a BigInt64Array");
    expect(made(() => ndarray('float32', [2, 3], new Float32Array(5)))).toBe(
      "ndarray('float32', [2, 3]) cannot make an array:\n  - `data`: shape [2, 3] of float32 needs 6 elements, got 5; pass 6 elements or a shape of 5 elements",
    );
    expect(made(() => ndarray('complex64', [3], new Float32Array(3)))).toBe(
      "ndarray('complex64', [3]) cannot make an array:\n  - `data`: shape [3] of complex64 needs 6 elements (interleaved re, im), got 3; pass 6 elements",
    );
    expect(made(() => ndarray('float128' as never, [-1]))).toBe(
      [
        "ndarray('float128', [-1]) cannot make an array:",
        `  - \`dtype\`: 'float128' is not a dtype; use one of ${dtypes}. Did you mean \`float16\` or \`float32\`?`,
        '  - `shape`: expected an array of non-negative integers, got [-1]; give each axis a size >= 0, e.g. [2, 3] ([] for a 0-d array)',
      ].join('\n'),
    );
  });

  it('NPY_TOO_LARGE: ndarray() cannot allocate the zeroed data of a huge shape', () => {
    const e = thrown(() => ndarray('float64', [2 ** 50]));
    expect(e.code).toBe('NPY_TOO_LARGE');
    expect(e.message).toMatch(/^ndarray\('float64', \[1125899906842624\]\): cannot allocate 9007199254740992 bytes for the array \(.+\)\.$/);
  });

  it('NPY_WRITE_FAILED: the target directory cannot be created', async () => {
    const blocker = tmp.path('a-file');
    await writeFile(blocker, 'x');
    const path = join(blocker, 'sub', 'out.npy');
    const e = await failure(npy.write(path, ndarray('float64', [2])));
    expect(e.code).toBe('NPY_WRITE_FAILED');
    expect(e.message).toMatch(new RegExp(`^Could not write ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ENOTDIR: .+\\.$`));
  });
});

describe('options', () => {
  it('PLUGIN_OPTIONS_INVALID lists each bad option with its path', () => {
    const error = pluginOptionsError(() => npyHandlers({ byteOrder: 'middle', compressionLevel: 12, colour: 'blue' } as never), '@aeroml/handler-npy');
    expect(error.message).toBe(['Invalid options for npyHandlers():', '  - `byteOrder`: Invalid option: expected one of "little"|"big"', '  - `compressionLevel`: Too big: expected number to be <=9', '  - `colour`: unknown option.'].join('\n'));
  });

  it('per-write options are validated too', async () => {
    const e = await failure(npy.write(tmp.path('v.npy'), ndarray('int8', [1]), { version: '4.0' } as never));
    expect(e.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(e.message).toBe('Invalid write options of the npy handler:\n  - `version`: Invalid option: expected one of "auto"|"1.0"|"2.0"|"3.0"');
    expect((await failure(npy.write(tmp.path('w.npy'), ndarray('int8', [1]), { byteorder: 'big' } as never))).message).toBe('Invalid write options of the npy handler:\n  - `byteorder`: unknown option. Did you mean `byteOrder`?');
  });

  it('read options are validated like write options: a misspelt `arrays` is refused, not read as "all arrays"', async () => {
    const path = tmp.path('r.npz');
    await npz.write(path, { a: ndarray('int8', [1]), b: ndarray('int8', [2]) });
    const e = await failure(npz.read(path, { array: ['b'] } as never));
    expect(e.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(e.message).toBe('Invalid read options of the npz handler:\n  - `array`: unknown option. Did you mean `arrays`?');
    expect((await failure(npz.read(path, { arrayz: ['b'] } as never))).message).toBe('Invalid read options of the npz handler:\n  - `arrayz`: unknown option. Did you mean `arrays`?');
    expect((await failure(npz.read(path, { arrays: 'b' } as never))).message).toBe('Invalid read options of the npz handler:\n  - `arrays`: expected array, received string');
    const npyPath = tmp.path('r.npy');
    await npy.write(npyPath, ndarray('int8', [1]));
    expect((await failure(npy.read(npyPath, { arrays: ['b'] } as never))).message).toBe('Invalid read options of the npy handler:\n  - `arrays`: unknown option.');
    expect(Object.keys(await npz.read(path, { arrays: ['b'] }))).toEqual(['b']);
  });

  it('the exported functions and ndarray() refuse unknown options too', async () => {
    const path = tmp.path('f.npz');
    await writeNpz(path, { a: ndarray('int8', [1]) });
    expect((await failure(readNpz(path, { array: ['a'] } as never))).message).toBe('Invalid options of readNpz():\n  - `array`: unknown option. Did you mean `arrays`?');
    expect((await failure(writeNpz(path, { a: ndarray('int8', [1]) }, { compresion: 'deflated' } as never))).message).toBe(
      'Invalid options of writeNpz():\n  - `compresion`: unknown option. Did you mean `compression`?',
    );
    expect((await failure(writeNpy(tmp.path('f.npy'), ndarray('int8', [1]), { byteorder: 'big' } as never))).message).toBe('Invalid options of writeNpy():\n  - `byteorder`: unknown option. Did you mean `byteOrder`?');
    const e = pluginOptionsError(() => ndarray('int8', [1], undefined, { fortranorder: true } as never), '@aeroml/handler-npy');
    expect(e.message).toBe('Invalid options of ndarray():\n  - `fortranorder`: unknown option. Did you mean `fortranOrder`?');
    expect(ndarray('int8', [2, 1], undefined, { fortranOrder: true }).fortranOrder).toBe(true);
  });
});
