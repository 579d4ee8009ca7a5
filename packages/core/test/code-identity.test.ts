import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCodeChange } from '../src/code-identity/index.js';
import { analyseModule } from '../src/code-identity/analyse.js';
import { ANALYSIS_SCHEMA } from '../src/code-identity/analysis.js';
import { createAction } from '../src/define.js';
import { Fingerprinter } from '../src/fingerprint.js';
import { sha256Hex } from '../src/hash.js';

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aero-code-identity-'));
  await write(dir, files);
  return dir;
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
}

/** The code parts of action `name` defined in `file`, as a fresh process would compute them. */
async function parts(dir: string, file: string, name: string): Promise<Record<string, string>> {
  const action = createAction({ name, run: () => undefined }, undefined, join(dir, file));
  return (await new Fingerprinter(dir).fingerprint(action)).files;
}

const FEATURES = `import { defineAction } from '@aeroml/core';

const SCALE = 2;

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
  async run({ inputs }) {
    return (await inputs.table.read<number[]>()).length;
  },
});
`;

describe('code identity: what an action reaches', () => {
  it('is its run and the module-level declarations run mentions, named by file and declaration', async () => {
    const dir = await project({ 'src/features.ts': FEATURES });
    expect(Object.keys(await parts(dir, 'src/features.ts', 'features'))).toEqual([
      'src/features.ts#action features',
      'src/features.ts#const SCALE',
      'src/features.ts#function normalise',
    ]);
  });

  it('leaves out an upstream action that is only wired through inputs', async () => {
    const dir = await project({ 'src/features.ts': FEATURES, 'src/train.ts': TRAIN });
    expect(Object.keys(await parts(dir, 'src/train.ts', 'train'))).toEqual(['src/train.ts#action train']);
    // Any edit of the upstream file, code or comment, leaves train's identity alone.
    const before = await parts(dir, 'src/train.ts', 'train');
    await write(dir, { 'src/features.ts': FEATURES.replace('v * SCALE', 'v * SCALE + 1') });
    expect(await parts(dir, 'src/train.ts', 'train')).toEqual(before);
  });

  it('does not change when comments, the amount of spacing or blank lines change', async () => {
    const dir = await project({ 'src/features.ts': FEATURES });
    const before = await parts(dir, 'src/features.ts', 'features');
    await write(dir, { 'src/features.ts': `// header\n${FEATURES.replace('return values', '/* doubled */ return values').replace('v * SCALE', 'v  *   SCALE').replace('return values', '\n\n  return values')}\n// end\n` });
    expect(await parts(dir, 'src/features.ts', 'features')).toEqual(before);
    // Inside a string, spacing is content.
    await write(dir, { 'src/features.ts': FEATURES.replace("name: 'features',", "name: 'features',\n  description: 'x',").replace('normalise([1, 2, 3])', "normalise([1, 2, 3]).concat('a  b'.length)") });
    const spaced = await parts(dir, 'src/features.ts', 'features');
    await write(dir, { 'src/features.ts': FEATURES.replace('normalise([1, 2, 3])', "normalise([1, 2, 3]).concat('a b'.length)") });
    expect(describeCodeChange(spaced, await parts(dir, 'src/features.ts', 'features'))).toEqual(['action `features` in src/features.ts']);
  });

  it('changes only for the action whose code changed when two actions share a file', async () => {
    const file = `import { defineAction } from '@aeroml/core';
const helperA = (x: number) => x + 1;
const helperB = (x: number) => x * 2;
export const a = defineAction({ name: 'a', run: () => helperA(1) });
export const b = defineAction({ name: 'b', run: () => helperB(1) });
`;
    const dir = await project({ 'pipeline.ts': file });
    const [a0, b0] = [await parts(dir, 'pipeline.ts', 'a'), await parts(dir, 'pipeline.ts', 'b')];
    await write(dir, { 'pipeline.ts': file.replace('x * 2', 'x * 3') });
    const [a1, b1] = [await parts(dir, 'pipeline.ts', 'a'), await parts(dir, 'pipeline.ts', 'b')];
    expect(a1).toEqual(a0);
    expect(describeCodeChange(b0, b1)).toEqual(['const `helperB` in pipeline.ts']);
    await write(dir, { 'pipeline.ts': file.replace("run: () => helperA(1)", "run: () => helperA(2)") });
    expect(describeCodeChange(a0, await parts(dir, 'pipeline.ts', 'a'))).toEqual(['action `a` in pipeline.ts']);
    expect(await parts(dir, 'pipeline.ts', 'b')).toEqual(b0);
  });

  it('follows an imported helper to the declaration it names, and that declaration only', async () => {
    const dir = await project({
      'src/lib.ts': `export function used(x: number) { return inner(x); }\nfunction inner(x: number) { return x; }\nexport function unused() { return 0; }\n`,
      'src/act.ts': `import { defineAction } from '@aeroml/core';\nimport { used as u } from './lib.js';\nexport const act = defineAction({ name: 'act', run: () => u(1) });\n`,
    });
    const before = await parts(dir, 'src/act.ts', 'act');
    expect(Object.keys(before)).toEqual(['src/act.ts#action act', 'src/lib.ts#function inner', 'src/lib.ts#function used']);
    await write(dir, { 'src/lib.ts': (await readFile(join(dir, 'src/lib.ts'), 'utf8')).replace('return 0', 'return 1') });
    expect(await parts(dir, 'src/act.ts', 'act')).toEqual(before);
    await write(dir, { 'src/lib.ts': (await readFile(join(dir, 'src/lib.ts'), 'utf8')).replace('return x;', 'return -x;') });
    expect(describeCodeChange(before, await parts(dir, 'src/act.ts', 'act'))).toEqual(['function `inner` in src/lib.ts']);
  });

  it('follows named re-exports to their declaration', async () => {
    const dir = await project({
      'src/impl.ts': `export const k = 1;\nexport const other = 2;\n`,
      'src/index.ts': `export { k as key } from './impl.js';\n`,
      'src/act.ts': `import { defineAction } from '@aeroml/core';\nimport { key } from './index.js';\nexport const act = defineAction({ name: 'act', run: () => key });\n`,
    });
    expect(Object.keys(await parts(dir, 'src/act.ts', 'act'))).toEqual(['src/act.ts#action act', 'src/impl.ts#const k']);
  });

  it('includes a top-level statement that changes a reached binding', async () => {
    const dir = await project({
      'act.ts': `import { defineAction } from '@aeroml/core';\nconst table = new Map<string, number>();\ntable.set('lr', 0.1);\nexport const act = defineAction({ name: 'act', run: () => table.get('lr') });\n`,
    });
    const before = await parts(dir, 'act.ts', 'act');
    await write(dir, { 'act.ts': (await readFile(join(dir, 'act.ts'), 'utf8')).replace('0.1', '0.2') });
    expect(describeCodeChange(before, await parts(dir, 'act.ts', 'act'))).toEqual(['a top-level statement in act.ts (no longer used)', 'a top-level statement in act.ts (newly used)']);
  });

  it('names packages the code reaches with their installed version, and not node built-ins', async () => {
    const dir = await project({
      'node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.3.0' }),
      'act.ts': `import { join } from 'node:path';\nimport pad from 'left-pad';\nimport { defineAction } from '@aeroml/core';\nexport const act = defineAction({ name: 'act', run: () => pad(join('a', 'b'), 4) });\n`,
    });
    const before = await parts(dir, 'act.ts', 'act');
    expect(before).toMatchObject({ 'npm:left-pad': 'left-pad@1.3.0' });
    expect(Object.keys(before)).toEqual(['act.ts#action act', 'npm:left-pad']);
    await write(dir, { 'node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.4.0' }) });
    expect(describeCodeChange(before, await parts(dir, 'act.ts', 'act'))).toEqual(['package left-pad@1.3.0 → left-pad@1.4.0']);
  });

  it('follows a subpath import (package.json `imports`, `#lib/*`) into the project file it names', async () => {
    const dir = await project({
      'package.json': JSON.stringify({ type: 'module', imports: { '#lib/*': './src/lib/*', '#conf': { import: './src/conf.ts', default: './src/conf.cjs' }, '#pad': 'left-pad' } }),
      'node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.3.0' }),
      'src/lib/factor.ts': `export const FACTOR = 2;\nexport function scale(x: number) { return x * FACTOR; }\n`,
      'src/conf.ts': `export const N = 3;\n`,
      'act.ts': `import { defineAction } from '@aeroml/core';\nimport { scale } from '#lib/factor.ts';\nimport { N } from '#conf';\nimport pad from '#pad';\nexport const act = defineAction({ name: 'act', run: () => pad(String(scale(N)), 4) });\n`,
    });
    const before = await parts(dir, 'act.ts', 'act');
    expect(Object.keys(before)).toEqual(['act.ts#action act', 'npm:left-pad', 'src/conf.ts#const N', 'src/lib/factor.ts#const FACTOR', 'src/lib/factor.ts#function scale']);
    await write(dir, { 'src/lib/factor.ts': (await readFile(join(dir, 'src/lib/factor.ts'), 'utf8')).replace('FACTOR = 2', 'FACTOR = 3') });
    expect(describeCodeChange(before, await parts(dir, 'act.ts', 'act'))).toEqual(['const `FACTOR` in src/lib/factor.ts']);
  });

  it('is the same across processes with no edits, and the second one reads the analysis cache', async () => {
    const dir = await project({ 'src/features.ts': FEATURES, 'src/train.ts': TRAIN });
    const first = await parts(dir, 'src/features.ts', 'features');
    const cacheDir = (await readdir(tmpdir())).find((name) => name.startsWith(`aero-code-${ANALYSIS_SCHEMA}-oxc-`));
    expect(cacheDir).toBeDefined();
    // The analysis of this exact content is on disk: the next process reads it instead of parsing.
    expect(await readdir(join(tmpdir(), cacheDir!))).toContain(`${sha256Hex(FEATURES)}.ts.json`);
    expect(await parts(dir, 'src/features.ts', 'features')).toEqual(first);
  });
});

describe('code identity: conservative where analysis cannot see', () => {
  const wholeFile = async (files: Record<string, string>, file: string, name: string) => Object.keys(await parts(await project(files), file, name));

  it('eval and new Function take the whole file', async () => {
    const evaluating = `import { defineAction } from '@aeroml/core';\nconst x = 1;\nexport const a = defineAction({ name: 'a', run: () => eval('x') });\n`;
    expect(await wholeFile({ 'a.ts': evaluating }, 'a.ts', 'a')).toEqual(['a.ts', 'npm:@aeroml/core']);
    const constructing = `import { defineAction } from '@aeroml/core';\nexport const a = defineAction({ name: 'a', run: () => new Function('return 1')() });\n`;
    expect(await wholeFile({ 'a.ts': constructing }, 'a.ts', 'a')).toEqual(['a.ts', 'npm:@aeroml/core']);
  });

  it('import() of a literal takes that module whole; of a computed specifier, the whole file and what it loads', async () => {
    const files = {
      'lib.ts': 'export const v = 1;\n',
      'a.ts': `import { defineAction } from '@aeroml/core';\nexport const a = defineAction({ name: 'a', run: async () => (await import('./lib.js')).v });\n`,
    };
    expect(await wholeFile(files, 'a.ts', 'a')).toEqual(['a.ts#action a', 'lib.ts']);
    const computed = { 'lib.ts': 'export const v = 1;\n', 'a.ts': `import { defineAction } from '@aeroml/core';\nimport './lib.js';\nconst which = './lib.js';\nexport const a = defineAction({ name: 'a', run: async () => import(which) });\n` };
    expect(await wholeFile(computed, 'a.ts', 'a')).toEqual(['a.ts', 'lib.ts', 'npm:@aeroml/core']);
    // The conservative parts change with any edit of the file, comments included.
    const dir = await project(computed);
    const before = await parts(dir, 'a.ts', 'a');
    await write(dir, { 'lib.ts': 'export const v = 1; // same code\n' });
    expect(describeCodeChange(before, await parts(dir, 'a.ts', 'a'))).toEqual(['lib.ts']);
  });

  it('side-effect imports of a reached module come along whole', async () => {
    const files = {
      'setup.ts': 'globalThis.seed = 42;\n',
      'lib.ts': `import './setup.js';\nexport const v = 1;\n`,
      'a.ts': `import { defineAction } from '@aeroml/core';\nimport { v } from './lib.js';\nexport const a = defineAction({ name: 'a', run: () => v });\n`,
    };
    expect(await wholeFile(files, 'a.ts', 'a')).toEqual(['a.ts#action a', 'lib.ts#const v', 'setup.ts']);
  });

  it('export * and namespace imports take the candidate modules whole', async () => {
    const star = {
      'impl.ts': 'export const v = 1;\n',
      'index.ts': `export * from './impl.js';\n`,
      'a.ts': `import { defineAction } from '@aeroml/core';\nimport { v } from './index.js';\nexport const a = defineAction({ name: 'a', run: () => v });\n`,
    };
    expect(await wholeFile(star, 'a.ts', 'a')).toEqual(['a.ts#action a', 'impl.ts']);
    const namespace = {
      'impl.ts': 'export const v = 1;\n',
      'a.ts': `import { defineAction } from '@aeroml/core';\nimport * as impl from './impl.js';\nexport const a = defineAction({ name: 'a', run: () => impl.v });\n`,
    };
    expect(await wholeFile(namespace, 'a.ts', 'a')).toEqual(['a.ts#action a', 'impl.ts']);
  });

  it('an action made in a loop or a factory (values captured in a closure) takes the whole file', async () => {
    const loop = `import { defineAction } from '@aeroml/core';\nconst lrs = [0.1, 0.2];\nexport const actions = lrs.map((lr) => defineAction({ name: 'fit', run: () => lr }));\n`;
    expect(await wholeFile({ 'a.ts': loop }, 'a.ts', 'fit')).toEqual(['a.ts', 'npm:@aeroml/core']);
    const factory = `import { defineAction } from '@aeroml/core';\nfunction make(lr: number) { return defineAction({ name: 'fit', run: () => lr }); }\nexport const fit = make(0.1);\n`;
    expect(await wholeFile({ 'a.ts': factory }, 'a.ts', 'fit')).toEqual(['a.ts', 'npm:@aeroml/core']);
    const computedName = `import { defineAction } from '@aeroml/core';\nconst n = 'fit';\nexport const fit = defineAction({ name: n, run: () => 1 });\n`;
    expect(await wholeFile({ 'a.ts': computedName }, 'a.ts', 'fit')).toEqual(['a.ts', 'npm:@aeroml/core']);
  });

  it('a file that does not parse is taken whole', async () => {
    expect(await wholeFile({ 'a.ts': `export const a = defineAction({ name: 'a', run: () => { );\n` }, 'a.ts', 'a')).toEqual(['a.ts']);
  });

  it('a spread in the definition takes the whole definition instead of run alone', async () => {
    const file = `import { defineAction } from '@aeroml/core';\nconst base = { run: () => 1 };\nexport const a = defineAction({ ...base, name: 'a' });\n`;
    expect(await wholeFile({ 'a.ts': file }, 'a.ts', 'a')).toEqual(['a.ts#action a', 'a.ts#const base']);
  });
});

describe('module analysis', () => {
  it('erases types: a type-only import is no dependency and type positions mention nothing', () => {
    const analysis = analyseModule('a.ts', `import type { Row } from './rows.js';\nimport { type Col, used } from './cols.js';\nconst f = (r: Row, c: Col): Row => used(r, c);\n`);
    expect(analysis.imports).toEqual({ used: { source: './cols.js', imported: 'used' } });
    expect(analysis.pieces[0]!.refs.sort()).toEqual(['c', 'f', 'r', 'used']);
  });
});
