import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AeroError, canonicalJson, defineCommand, fillTemplate, sha256File } from '../src/index.js';
import { Fingerprinter } from '../src/fingerprint.js';
import { createAction } from '../src/define.js';

describe('hashing', () => {
  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"z":1}]},"b":1}');
  });

  it('sha256File matches node:crypto over the whole file, across chunk boundaries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aero-hash-'));
    const data = Buffer.alloc(9 * 1024 * 1024 + 17, 7);
    await writeFile(join(dir, 'f'), data);
    const { sha256, size } = await sha256File(join(dir, 'f'));
    expect(size).toBe(data.length);
    expect(sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('sha256File agrees on both sides of the small-file threshold (synchronous read up to 256 KiB)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aero-hash-'));
    for (const n of [0, 1, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1]) {
      const data = Buffer.alloc(n, n % 251);
      await writeFile(join(dir, `f${n}`), data);
      expect(await sha256File(join(dir, `f${n}`))).toEqual({ sha256: createHash('sha256').update(data).digest('hex'), size: n });
    }
    await expect(sha256File(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});

describe('path templates', () => {
  it('fills tags with Python-style format specs', () => {
    expect(fillTemplate('{split}/{sim:04d}/map_{freq}.fits', { split: 'test', sim: 7, freq: 143 })).toBe('test/0007/map_143.fits');
    expect(fillTemplate('{lr:.3f}-{x:5d}', { lr: 0.1, x: 42 })).toBe('0.100-   42');
  });

  it('rejects unknown tags and bad specs', () => {
    expect(() => fillTemplate('{nope}', {})).toThrow('Template `{nope}` uses unknown tag `{nope}`.');
    expect(() => fillTemplate('{sim:04q}', { sim: 1 })).toThrow('Template `{sim:04q}` has an unsupported format spec `:04q`.');
    expect(() => fillTemplate('{sim:d}', { sim: 1.5 })).toThrow(AeroError);
  });
});

describe('code fingerprint', () => {
  it('follows relative imports transitively and changes when an imported helper changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aero-fp-'));
    await writeFile(join(dir, 'action.ts'), "import { helper } from './lib/helper.js';\nexport const x = helper;\n");
    await writeFile(join(dir, 'lib-placeholder'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'lib')));
    await writeFile(join(dir, 'lib', 'helper.ts'), "import { deep } from '../deep';\nexport const helper = deep;\n");
    await writeFile(join(dir, 'deep.ts'), 'export const deep = 1;\n');
    const action = createAction({ name: 'a', run: () => undefined }, undefined, join(dir, 'action.ts'));
    const before = await new Fingerprinter(dir).fingerprint(action);
    expect(Object.keys(before.files).sort()).toEqual(['action.ts', 'deep.ts', 'lib/helper.ts']);
    await writeFile(join(dir, 'deep.ts'), 'export const deep = 2;\n');
    const after = await new Fingerprinter(dir).fingerprint(action);
    expect(after.digest).not.toBe(before.digest);
    expect(after.files['action.ts']).toBe(before.files['action.ts']);
  });

  it('uses cmd and hashed deps for commands, and an explicit version when given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aero-fp-'));
    await writeFile(join(dir, 'train.py'), 'print(1)\n');
    const cmd = defineCommand({ name: 'train-py', cmd: ['python3', 'train.py'], deps: ['train.py'] });
    const first = await new Fingerprinter(dir).fingerprint(cmd);
    expect(first.kind).toBe('command');
    await writeFile(join(dir, 'train.py'), 'print(2)\n');
    expect((await new Fingerprinter(dir).fingerprint(cmd)).digest).not.toBe(first.digest);
    const pinned = createAction({ name: 'p', version: '3', run: () => undefined }, undefined, undefined);
    expect((await new Fingerprinter(dir).fingerprint(pinned)).kind).toBe('version');
  });

  it('names a dependency that cannot be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aero-fp-'));
    const cmd = defineCommand({ name: 'c', cmd: 'true', deps: ['missing.txt'] });
    await expect(new Fingerprinter(dir).fingerprint(cmd)).rejects.toThrow('Action `c` lists dependency `missing.txt`, which cannot be read.');
  });

  it('rejects an empty command', () => {
    expect(() => defineCommand({ name: 'empty', cmd: [] })).toThrow('Command `empty` has an empty `cmd`.');
  });
});
