import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, copyQuickstart } from './helpers.js';

// aero.config.ts and the modules it imports are transformed once and cached on disk
// (node_modules/.cache/aero-config-1) so the next command starts fast; an edit must show
// up in the very next command, whichever file was edited.
describe('the config transform cache never serves an edited file stale', () => {
  const listed = async (dir: string) => {
    const r = await aero(dir, 'list', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; group: string });
  };

  it('sees an edit to aero.config.ts and to a module it imports between two `aero list` calls', async () => {
    const dir = await copyQuickstart();
    expect((await listed(dir)).map((a) => a.name)).toEqual(['ingest', 'split', 'train', 'evaluate']);

    const configFile = join(dir, 'aero.config.ts');
    const config = await readFile(configFile, 'utf8');
    await writeFile(configFile, config.replace('actions: [ingest, split, train, evaluate]', 'actions: [ingest, split, train]'));
    expect((await listed(dir)).map((a) => a.name)).toEqual(['ingest', 'split', 'train']);

    const trainFile = join(dir, 'src/train.ts');
    await writeFile(trainFile, (await readFile(trainFile, 'utf8')).replace("group: 'model'", "group: 'training'"));
    expect((await listed(dir)).find((a) => a.name === 'train')?.group).toBe('training');

    await writeFile(configFile, config);
    expect((await listed(dir)).map((a) => `${a.name}:${a.group}`)).toEqual(['ingest:data', 'split:data', 'train:training', 'evaluate:model']);
  });
});
