import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aeroCommands, markdownBlocks as blocks, runAero } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';
import { createAero } from '@aeroml/core';
import { embeddedDefaults } from '@aeroml/cli';

const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const GUIDE = fileURLToPath(new URL('../../../docs/guides/partitions.md', import.meta.url));
const CLI = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));

const aero = (cwd: string, args: string[]) => runAero(CLI, cwd, args);

describe('docs/guides/partitions.md', () => {
  it('the first example config runs with the commands shown after it', { timeout: 120_000 }, async () => {
    const all = blocks(await readFile(GUIDE, 'utf8'));
    const index = all.findIndex((b) => b.info === 'ts example');
    expect(index).toBeGreaterThanOrEqual(0);
    await mkdir(join(EXAMPLE, '.test-work'), { recursive: true });
    const dir = await mkdtemp(join(EXAMPLE, '.test-work', 'guide-'));
    await writeFile(join(dir, 'aero.config.ts'), all[index]!.code);
    const commands = aeroCommands(all[index + 1]!.code);
    expect(commands[0]).toEqual(['run']);
    const outputs: string[] = [];
    for (const args of commands) {
      const r = await aero(dir, args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
      outputs.push(r.stdout);
    }
    expect(outputs[0]).toMatch(/: 8 ran, 0 cached, 0 failed/);
    expect(outputs[1]).toMatch(/: 0 ran, 2 cached, 0 failed/);
    const summary = JSON.parse(await readFile(join(dir, '.aero/objects/sha256', ...(await summaryBlob(dir))), 'utf8'));
    expect(summary).toEqual({ count: 4, total: 12 });
  });

  it('every `ts file=` excerpt is verbatim from the example, and the json block is sims.json', async () => {
    const all = blocks(await readFile(GUIDE, 'utf8'));
    const excerpts = all.filter((b) => b.info.startsWith('ts file='));
    expect(excerpts.length).toBeGreaterThanOrEqual(4);
    for (const excerpt of excerpts) {
      const file = excerpt.info.slice('ts file='.length);
      const source = await readFile(join(EXAMPLE, file), 'utf8');
      expect(source, `excerpt of ${file}`).toContain(excerpt.code);
    }
    const json = all.find((b) => b.info === 'json')!;
    expect(JSON.parse(json.code)).toEqual(JSON.parse(await readFile(join(EXAMPLE, 'sims.json'), 'utf8')));
  });
});

/** Blob path parts of `summarize[split=train]`'s summary, from its manifest (read through aero as the CLI opens the project). */
async function summaryBlob(dir: string): Promise<string[]> {
  const aero = await createAero({ cwd: dir, defaults: await embeddedDefaults(dir) });
  try {
    for (const manifest of (await aero.artifacts.versions('summarize.summary')).values()) {
      if (manifest.partition?.split === 'train') return [manifest.files[0]!.sha256.slice(0, 2), manifest.files[0]!.sha256];
    }
  } finally {
    await aero.close();
  }
  throw new Error('no summary for the train split');
}
