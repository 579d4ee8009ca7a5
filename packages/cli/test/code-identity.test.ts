import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aero, makeProject, statuses } from './helpers.js';

const FEATURES = `import { defineAction } from '@aeroml/core';

const SCALE = 2;

/** Doubles every value. */
export function normalise(values: number[]): number[] {
  return values.map((v) => v * SCALE);
}

export const features = defineAction({
  name: 'features',
  outputs: { table: { handler: 'json' } },
  async run({ outputs }) {
    await outputs.table.write(normalise([1, 2, 3]));
  },
});
`;

const TRAIN = `import { defineAction } from '@aeroml/core';
import { features } from './features.js';

export const train = defineAction({
  name: 'train',
  inputs: { table: features.output('table') },
  outputs: { model: { handler: 'json' } },
  async run({ inputs, outputs }) {
    const table = await inputs.table.read<number[]>();
    await outputs.model.write({ sum: table.reduce((a, b) => a + b, 0) });
  },
});
`;

// Two actions in one file, as the README's example keeps them.
const PAIR = `import { defineAction } from '@aeroml/core';

const greeting = (name: string) => \`hello \${name}\`;
const farewell = (name: string) => \`bye \${name}\`;

export const hello = defineAction({ name: 'hello', outputs: { text: { handler: 'json' } }, run: ({ outputs }) => outputs.text.write(greeting('a')) });
export const bye = defineAction({ name: 'bye', outputs: { text: { handler: 'json' } }, run: ({ outputs }) => outputs.text.write(farewell('b')) });
`;

const CONFIG = `import { defineCommand, defineConfig } from '@aeroml/core';
import { features } from './src/features.js';
import { train } from './src/train.js';
import { bye, hello } from './src/pair.js';

const write = "require('node:fs').writeFileSync(process.argv[1], JSON.stringify(process.argv[2]))";
const one = defineCommand({ name: 'one', cmd: ['node', '-e', write, '{outputs.out}', 'first'], outputs: { out: { handler: 'json' } } });
const two = defineCommand({ name: 'two', cmd: ['node', '-e', write, '{outputs.out}', 'second'], outputs: { out: { handler: 'json' } } });

export default defineConfig({ actions: [features, train, hello, bye, one, two] });
`;

describe('per-action code identity through the CLI', () => {
  let dir: string;
  const edit = async (file: string, from: string, to: string) => {
    const path = join(dir, file);
    const text = await readFile(path, 'utf8');
    expect(text).toContain(from);
    await writeFile(path, text.replace(from, to));
  };
  const run = async (...args: string[]) => {
    const r = await aero(dir, 'run', ...args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return statuses(r.stdout);
  };
  const cachedExcept = (...ran: string[]) =>
    Object.fromEntries(['features', 'train', 'hello', 'bye', 'one', 'two'].map((a) => [a, ran.includes(a) ? 'ran' : 'cached']));

  beforeAll(async () => {
    dir = await makeProject('code-identity', { 'aero.config.ts': CONFIG, 'src/features.ts': FEATURES, 'src/train.ts': TRAIN, 'src/pair.ts': PAIR });
    expect(await run()).toEqual({ features: 'ran', train: 'ran', hello: 'ran', bye: 'ran', one: 'ran', two: 'ran' });
  });

  it('keeps every cache key across runs with no edits', async () => {
    expect(await run()).toEqual(cachedExcept());
  });

  it('a comment in an upstream file reruns nothing', async () => {
    await edit('src/features.ts', '/** Doubles every value. */', '/** Doubles every value (the scale is fixed). */\n// more notes');
    expect(await run()).toEqual(cachedExcept());
  });

  it('aero why names the declaration that changed; an edit that keeps the output stops at that action', async () => {
    await edit('src/features.ts', 'v * SCALE', 'SCALE * v');
    const why = await aero(dir, 'why', 'features');
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('features will run');
    expect(why.stdout).toContain('code changed (function `normalise` in src/features.ts)');
    // train wires features only through `inputs`: its own code identity is unchanged, and
    // features' output is byte-identical, so train is served from the cache.
    expect(await run()).toEqual(cachedExcept('features'));
  });

  it('an output-changing edit reruns the action and, through the input digest, its downstream', async () => {
    await edit('src/features.ts', 'const SCALE = 2;', 'const SCALE = 3;');
    const dry = await aero(dir, 'run', '--dry-run');
    expect(dry.stdout).toContain('features: code changed (const `SCALE` in src/features.ts)');
    expect(await run()).toEqual(cachedExcept('features', 'train'));
  });

  it('editing one of two actions in one file reruns only that one', async () => {
    await edit('src/pair.ts', 'bye ${name}', 'goodbye ${name}');
    const why = await aero(dir, 'why', 'bye');
    expect(why.stdout).toContain('code changed (const `farewell` in src/pair.ts)');
    expect(await run()).toEqual(cachedExcept('bye'));
    await edit('src/pair.ts', "greeting('a')", "greeting('A')");
    expect(await run()).toEqual(cachedExcept('hello'));
  });

  it("a change to a command's cmd reruns only that command", async () => {
    await edit('aero.config.ts', "'second'", "'2nd'");
    expect(await run()).toEqual(cachedExcept('two'));
  });
});
