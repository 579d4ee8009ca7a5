import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFolderNames } from '../src/index.js';

describe('runFolderNames', () => {
  it('lists the run folders under the runs folder, sorted', async () => {
    const root = await mkdtemp(join(tmpdir(), 'aero-run-folders-'));
    for (const id of ['20261204-b', '20261203-a', '20261204-a']) await mkdir(join(root, id));
    await writeFile(join(root, '.DS_Store'), ''); // a stray file is no run
    expect(await runFolderNames(root)).toEqual(['20261203-a', '20261204-a', '20261204-b']);
  });

  it('is empty when the runs folder does not exist yet (a project that never ran)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'aero-run-folders-'));
    expect(await runFolderNames(join(root, 'runs'))).toEqual([]);
  });

  it('passes any other failure on (here: the runs path is a file)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'aero-run-folders-'));
    await writeFile(join(root, 'runs'), '');
    await expect(runFolderNames(join(root, 'runs'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
