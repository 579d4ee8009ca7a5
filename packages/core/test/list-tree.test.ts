import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTree } from '../src/artifacts.js';

// Not @aeroml/test-utils' useTempDir: test-utils depends on core, so core's own tests
// cannot import it (a fresh checkout typechecks core before test-utils is built).
let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aero-list-tree-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const tmp = { path: (...parts: string[]) => join(root, ...parts) };

describe('listTree (what an output folder holds, as committed)', () => {
  it('gives files sorted, folders parents first and other entries apart, relative with /', async () => {
    const dir = tmp.path('out');
    await mkdir(join(dir, 'b', 'deep', 'er'), { recursive: true });
    await mkdir(join(dir, 'a b'), { recursive: true });
    await writeFile(join(dir, 'z.txt'), 'z');
    await writeFile(join(dir, 'a b', 'x y.json'), '{}');
    await writeFile(join(dir, 'b', 'deep', 'er', 'f.bin'), 'f');
    await symlink('z.txt', join(dir, 'b', 'link'));
    expect(listTree(dir)).toEqual({
      files: ['a b/x y.json', 'b/deep/er/f.bin', 'z.txt'],
      dirs: ['a b', 'b', 'b/deep', 'b/deep/er'],
      others: ['b/link'],
    });
  });

  it('is empty for a folder that does not exist', () => {
    expect(listTree(tmp.path('missing'))).toEqual({ files: [], dirs: [], others: [] });
  });
});
