import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { localStore } from '../src/index.js';
import { pluginOptionsError, rejection, useTempDir } from '@aeroml/test-utils';

const tmp = useTempDir('aero-store-local-');

describe('LOCAL_STORE_KEY_INVALID: keys that would escape the store or are not keys', () => {
  const cases: Array<[string, string]> = [
    ['../outside.json', 'it has a `.` or `..` segment, which could escape the store directory'],
    ['runs/../../etc/passwd', 'it has a `.` or `..` segment, which could escape the store directory'],
    ['runs/..', 'it has a `.` or `..` segment, which could escape the store directory'],
    ['a/./b', 'it has a `.` or `..` segment, which could escape the store directory'],
    ['/etc/passwd', 'it is absolute (starts with `/`)'],
    ['', 'it is empty'],
    ['a//b', 'it has an empty segment (`//`)'],
    ['runs/r1/', 'it ends with `/`'],
    ['a\\..\\b', 'it contains a backslash (use `/` between segments)'],
    ['a\0b', 'it contains a NUL character'],
    ['objects/.aero-tmp-123', 'a segment starts with `.aero-tmp-`, which is reserved for temp files'],
  ];
  for (const [key, why] of cases) {
    it(`rejects ${JSON.stringify(key)}`, async () => {
      const store = localStore({ dir: tmp.path('keys') });
      for (const call of [() => store.put(key, 'x'), () => store.get(key), () => store.getBytes(key), () => store.has(key), () => store.delete(key), () => store.hasMany!(['ok', key])]) {
        const e = await rejection(call());
        expect(e.code).toBe('LOCAL_STORE_KEY_INVALID');
        expect(e.plugin).toBe('@aeroml/store-local');
        expect(e.message).toBe(`local store: invalid key \`${key}\`: ${why}.`);
        expect(e.hint).toMatch(/relative paths/);
      }
    });
  }

  it('rejects list prefixes that escape, but allows partial segments', async () => {
    const store = localStore({ dir: tmp.path('keys') });
    const e = await rejection((async () => {
      for await (const _ of store.list('../')) void _;
    })());
    expect(e.message).toBe('local store: invalid prefix `../`: it has a `.` or `..` segment, which could escape the store directory.');
    for (const ok of ['', 'runs/', 'runs/r', 'runs/.', 'a/..b']) {
      const keys: string[] = [];
      for await (const k of store.list(ok)) keys.push(k);
      expect(keys).toEqual([]);
    }
    await store.put('a/..b/c', 'fine: `..b` is a name, not a parent');
    expect(await store.has('a/..b/c')).toBe(true);
  });

  it('nothing was written outside the store', async () => {
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(tmp.path())).sort()).toEqual(['keys']);
  });
});

describe('LOCAL_STORE_KEY_CONFLICT: a key that is also a prefix of other keys', () => {
  it('refuses `a` when `a/b` exists, and `a/b/c` when `a/b` is a key', async () => {
    const store = localStore({ dir: tmp.path('conflict') });
    await store.put('a/b', 'file');
    let e = await rejection(store.put('a', 'x'));
    expect(e.code).toBe('LOCAL_STORE_KEY_CONFLICT');
    expect(e.message).toBe(`local store: cannot write key \`a\`: ${tmp.path('conflict', 'a')} is a directory holding other keys.`);
    expect(e.hint).toMatch(/cannot also be a prefix of other keys/);
    e = await rejection(store.put('a', 'x', { ifAbsent: true }));
    expect(e.code).toBe('LOCAL_STORE_KEY_CONFLICT');
    e = await rejection(store.put('a/b/c', 'x'));
    expect(e.code).toBe('LOCAL_STORE_KEY_CONFLICT');
    expect(e.message).toBe(`local store: cannot write key \`a/b/c\`: a parent directory of ${tmp.path('conflict', 'a', 'b', 'c')} is a file (another key), so it cannot hold other keys.`);
  });
});

describe('LOCAL_STORE_FILE_NOT_FOUND and LOCAL_STORE_IO_FAILED', () => {
  it('putFile from a missing file', async () => {
    const store = localStore({ dir: tmp.path('io') });
    const e = await rejection(store.putFile!('objects/sha256/00/x', tmp.path('no-such-file')));
    expect(e.code).toBe('LOCAL_STORE_FILE_NOT_FOUND');
    expect(e.message).toBe(`local store: cannot store key \`objects/sha256/00/x\` from ${tmp.path('no-such-file')}: the file does not exist.`);
    expect(await store.has('objects/sha256/00/x')).toBe(false);
    // Handing over a missing file is the same error.
    const handed = await rejection(store.putFile!('objects/sha256/00/x', tmp.path('no-such-file'), { handOver: true }));
    expect(handed.message).toBe(e.message);
  });

  it('a name longer than the filesystem allows', async () => {
    const store = localStore({ dir: tmp.path('io') });
    const key = `runs/${'x'.repeat(300)}.json`;
    const e = await rejection(store.put(key, '{}'));
    expect(e.code).toBe('LOCAL_STORE_IO_FAILED');
    expect(e.message).toMatch(new RegExp(`^local store: cannot write key \`${key}\` at ${tmp.path('io')}/${key}: ENAMETOOLONG`));
    expect(e.hint).toMatch(/longer than the filesystem allows/);
    expect(e.details.errno).toBe('ENAMETOOLONG');
  });

  it('a store directory that is a file', async () => {
    await writeFile(tmp.path('not-a-dir'), 'x');
    const store = localStore({ dir: tmp.path('not-a-dir') });
    const e = await rejection(store.put('cache/k.json', '{}'));
    expect(e.code).toBe('LOCAL_STORE_KEY_CONFLICT');
    expect(e.message).toMatch(/is a file \(another key\), so it cannot hold other keys\.$/);
    // Reads of a store that cannot exist answer "absent".
    expect(await store.getBytes('cache/k.json')).toBeNull();
  });
});

describe('PLUGIN_OPTIONS_INVALID', () => {
  it('lists every problem with its dot path', () => {
    const e = pluginOptionsError(() => localStore({ dir: 5, durable: 'yes', root: '/x' } as never), '@aeroml/store-local');
    expect(e.message.split('\n')).toEqual(['Invalid options for localStore():', '  - `dir`: expected string, received number', '  - `durable`: expected boolean, received string', '  - `root`: unknown option.']);
    expect(() => localStore({ dir: '' })).toThrow('Invalid options for localStore():\n  - `dir`: must not be empty');
  });
});
