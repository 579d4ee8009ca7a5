import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, makeProject } from './helpers.js';

// Wrong input is refused with exit 2 before anything runs: no run folder, no output file.

const pipeline = (extra = '', paths = "'{split}/{sim}.json'") => `import { defineAction, defineConfig, splits } from '@aeroml/core';
import { z } from 'zod';
const simulate = defineAction({
  name: 'simulate',
  partitions: (_p, { root }) => splits(root.counts as Record<string, number>),
  outputs: { map: { handler: 'json', path: ${paths} } },
  run: async ({ outputs, partition }) => outputs.map.write(partition),
});
const train = defineAction({
  name: 'train',
  params: z.object({ lr: z.number().default(0.1) }),
  inputs: { maps: simulate.output('map').all() },
  outputs: { model: { handler: 'json' } },
  run: async ({ params, outputs }) => outputs.model.write(params),
});
export default defineConfig({ actions: [simulate, train], params: { counts: { train: 2, test: 1 } }${extra} });
`;

async function runs(dir: string): Promise<string[]> {
  const folder = join(dir, '.aero', 'runs');
  return existsSync(folder) ? (await readdir(folder)).filter((name) => !name.startsWith('.')) : [];
}

/** Runs the CLI and checks the refusal: exit 2, nothing run, the message on stderr. */
async function refused(dir: string, args: string[], ...expected: string[]): Promise<string> {
  const r = await aero(dir, ...args);
  expect(r.code, r.stderr).toBe(2);
  for (const text of expected) expect(r.stderr).toContain(text);
  expect(await runs(dir)).toEqual([]);
  return r.stderr;
}

describe('aero refuses wrong input before anything runs (exit 2)', () => {
  it('unknown override keys, in run, -m sweeps and why; the hinted command works', async () => {
    const dir = await makeProject('refuse-keys', { 'aero.config.ts': pipeline() });
    // Without a config loader `key=value` may add a key: the hint is the override as typed, corrected.
    await refused(dir, ['run', 'train.lrr=0.5'], '[aero] PLAN_UNKNOWN_PARAM: Unknown param `train.lrr` (set on the command line): no action reads it.\n  hint: Did you mean `train.lr`? aero run train.lr=0.5');
    await refused(dir, ['run', 'trian.lr=0.5'], 'Unknown param `trian.lr` (set on the command line)', 'Did you mean `train.lr`? aero run train.lr=0.5');
    await refused(dir, ['run', '-m', 'train.lrr=0.1,0.2'], 'Unknown param `train.lrr`', 'Did you mean `train.lr`? aero run -m train.lr=0.1,0.2');
    await refused(dir, ['why', 'train', 'trian.lr=1'], 'Unknown param `trian.lr`', 'Did you mean `train.lr`? aero why train train.lr=1');
    const hinted = await aero(dir, 'run', 'train.lr=0.5');
    expect(hinted.code, hinted.stderr).toBe(0);
    expect(await runs(dir)).toHaveLength(1);
  });

  it('--only names and partition values that match nothing', async () => {
    const dir = await makeProject('refuse-only', { 'aero.config.ts': pipeline() });
    await refused(dir, ['run', '--only', 'bogus,train'], '[aero] PLAN_ONLY_NO_MATCH: --only `bogus`: no action, group, type or output is named `bogus`.');
    await refused(dir, ['run', '--only', 'simulate[split=tset]'], '--only `simulate[split=tset]`: no partition of `simulate` has split=tset (split is one of: test, train).', 'hint: Did you mean `simulate[split=test]`?');
    // An empty selector is no "everything".
    await refused(dir, ['run', '--only', ''], "[aero] PLAN_ONLY_NO_MATCH: --only '': an empty selector selects nothing.");
    await refused(dir, ['run', '--only', 'train,'], '[aero] PLAN_ONLY_NO_MATCH: --only `train,`: an empty selector selects nothing.');
    // The id the CLI prints selects, commas and all.
    const one = await aero(dir, 'run', '--only', 'simulate[split=train,sim=1]', '--dry-run');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('dry run: 1 would run');
  });

  it('bad split counts from the command line', async () => {
    const dir = await makeProject('refuse-counts', { 'aero.config.ts': pipeline() });
    await refused(dir, ['run', 'counts.train=2.5'], '[aero] PLAN_PARTITION_INVALID: Partitions of `simulate`: splits(): counts are whole numbers >= 0, but `train` is 2.5.');
    await refused(dir, ['run', 'counts.train=abc'], 'but `train` is "abc".');
    await refused(dir, ['run', '~counts'], 'Partitions of `simulate`: splits() takes an object of split name -> count, like splits({ train: 80, test: 10 }), not undefined.');
  });

  it('a split name from the command line that climbs out of the store', async () => {
    const dir = await makeProject('refuse-split-path', { 'aero.config.ts': pipeline() });
    await refused(dir, ['run', '++counts={"../../../../../../escaped": 1}'], '[aero] PLAN_PATH_ESCAPES: Output `map` of `simulate[split=../../../../../../escaped,sim=0]` resolves to `../../../../../../escaped/0.json` (template `{split}/{sim}.json`), which leaves its artifact folder.');
  });

  it('a template that climbs out, and an absolute one, write nothing', async () => {
    const outside = join(tmpdir(), `aero-refused-${process.pid}-${Date.now()}`);
    const climbing = await makeProject('refuse-template-path', { 'aero.config.ts': pipeline('', `'../../../../../../../../../../../../${outside.slice(1)}/{split}.json'`) });
    await refused(climbing, ['run'], 'PLAN_PATH_ESCAPES', 'which leaves its artifact folder');
    const absolute = await makeProject('refuse-absolute-path', { 'aero.config.ts': pipeline('', `'${outside}/{split}/{sim}.json'`) });
    await refused(absolute, ['run'], `[aero] PLAN_PATH_ESCAPES: Output \`map\` of \`simulate[split=train,sim=0]\` resolves to \`${outside}/train/0.json\``, 'an absolute path (and 2 more instances of `simulate`).');
    expect(existsSync(outside)).toBe(false);
  });

  it('malformed templates and vars named like built-in tags', async () => {
    const braces = await makeProject('refuse-braces', { 'aero.config.ts': pipeline('', "'{split/{sim}.json'") });
    await refused(braces, ['run'], '[aero] PLAN_TEMPLATE_INVALID: Output `map` of `simulate` has path template `{split/{sim}.json` with unmatched `{` at column 1.');
    const vars = await makeProject('refuse-vars', { 'aero.config.ts': pipeline(", vars: { stage: 'mine' }") });
    await refused(vars, ['run'], '[aero] CONFIG_INVALID: `vars.stage` is the name of a built-in template tag (the action name); it would be replaced.');
  });

  it('a misspelled key in params of aero.config.ts', async () => {
    const dir = await makeProject('refuse-config-params', { 'aero.config.ts': pipeline().replace('params: { counts:', 'params: { trian: { lr: 1 }, counts:') });
    await refused(dir, ['run'], '[aero] PLAN_UNKNOWN_PARAM: Unknown param `trian.lr` (set in aero.config.ts): no action reads it.\n  hint: Did you mean `train.lr`? Rename it in aero.config.ts.');
  });

  it('misspelled defineConfig keys', async () => {
    const dir = await makeProject('refuse-config-key', { 'aero.config.ts': pipeline(', plugin: []') });
    await refused(dir, ['run'], 'CONFIG_UNKNOWN_KEY: ', 'unknown key `plugin` in defineConfig({...}).', 'hint: Did you mean `plugins`?');
  });
});

describe('YAML configs: unknown keys refused before any sweep run starts', () => {
  const files = {
    'aero.config.ts': `import { yamlConfig } from '@aeroml/config-yaml';
import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';
const toHealpix = defineAction({
  name: 'to_healpix',
  params: z.object({ ordering: z.enum(['RING', 'NESTED']), model: z.object({ units: z.number() }) }),
  outputs: { map: { handler: 'json' } },
  run: async ({ params, outputs }) => outputs.map.write(params),
});
export default defineConfig({ actions: [toHealpix], plugins: [yamlConfig({ dir: 'conf' })] });
`,
    'conf/config.yaml': 'defaults:\n  - model: small\n  - _self_\n\nto_healpix:\n  ordering: RING\n  model: ${model}\n',
    'conf/model/small.yaml': 'units: 4\n',
    'conf/model/typo.yaml': 'unitz: 4\nunits: 4\n',
  };

  it('++key with a misspelled name', async () => {
    const dir = await makeProject('refuse-yaml', files);
    await refused(dir, ['run', '++to_healpix.orderng=NESTED'], 'Unknown param `to_healpix.orderng` (set on the command line): no action reads it.\n  hint: Did you mean `to_healpix.ordering`? aero run to_healpix.ordering=NESTED');
    expect((await aero(dir, 'run', 'to_healpix.ordering=NESTED')).code).toBe(0);
  });

  it('a misspelled key: the hint is the same command line with the key corrected, flags kept, and it works', async () => {
    const dir = await makeProject('refuse-yaml-hint', files);
    await refused(dir, ['run', 'to_healpix.orderng=NESTED', '--dry-run', '-j', '2'], "Cannot apply override `to_healpix.orderng=NESTED`: `to_healpix.orderng` is not in the config.\n  hint: Did you mean `to_healpix.ordering`? aero run to_healpix.ordering=NESTED --dry-run -j 2\n");
    await refused(dir, ['why', 'to_healpix', 'to_healpix.orderng=NESTED'], 'hint: Did you mean `to_healpix.ordering`? aero why to_healpix to_healpix.ordering=NESTED\n');
    await refused(dir, ['run', '~to_healpix.orderng', '--dry-run'], "Cannot apply override `~to_healpix.orderng`: `to_healpix.orderng` does not exist in the config, so it cannot be deleted.\n  hint: Did you mean `~to_healpix.ordering`? aero run '~to_healpix.ordering' --dry-run\n");
    await refused(dir, ['run', '~zzz', '--dry-run'], 'hint: Nothing to delete: the config has `model`, `to_healpix`.\n');
    expect((await aero(dir, 'run', 'to_healpix.ordering=NESTED', '--dry-run', '-j', '2')).code).toBe(0);
    expect((await aero(dir, 'why', 'to_healpix', 'to_healpix.ordering=NESTED')).code).toBe(0);
  });

  it('a sweep whose second option has a misspelled key runs none of its combinations', async () => {
    const dir = await makeProject('refuse-yaml-sweep', files);
    await refused(dir, ['run', '-m', 'model=small,typo'], 'Unknown param `to_healpix.model.unitz` (set in conf/model/typo.yaml): no action reads it.');
  });
});
