import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, makeProject, readJson, refused } from './helpers.js';

// aero tag, run --use, rerun, diff and export through the real CLI (docs/guides/reproduce.md).

const PIPELINE = `import { defineAction } from '@aeroml/core';
import { z } from 'zod';
export const ingest = defineAction({
  name: 'ingest',
  outputs: { raw: { handler: 'json' } },
  async run({ outputs }) {
    await outputs.raw.write([1, 2, 3, 4, 5, 6]);
  },
});
export const prep = defineAction({
  name: 'prep',
  params: z.object({ n: z.number().int() }),
  inputs: { raw: ingest.output('raw') },
  outputs: { data: { handler: 'json' }, stats: { handler: 'json' } },
  async run({ params, inputs, outputs }) {
    const raw = await inputs.raw.read<number[]>();
    await outputs.data.write(raw.slice(0, params.n));
    await outputs.stats.write({ n: params.n });
  },
});
export const train = defineAction({
  name: 'train',
  inputs: { data: prep.output('data') },
  outputs: { model: { handler: 'json' } },
  async run({ inputs, outputs, log }) {
    const data = await inputs.data.read<number[]>();
    const sum = data.reduce((a, b) => a + b, 0);
    log.metric('loss', 1 / sum);
    await outputs.model.write({ sum });
  },
});
export const sims = defineAction({
  name: 'sims',
  partitions: { split: ['train', 'test'], sim: [0, 1] },
  outputs: { map: { handler: 'json', path: '{split}/{sim:04d}/map.json' } },
  async run({ partition, outputs }) {
    await outputs.map.write({ split: partition!.split, sim: partition!.sim });
  },
});
`;

const CONFIG = `import { defineConfig } from '@aeroml/core';
import { ingest, prep, train, sims } from './src/pipeline.js';
export default defineConfig({ actions: [ingest, prep, train, sims], params: { prep: { n: 3 } } });
`;

const runIdOf = (stdout: string) => /\(run (\S+)\)/.exec(stdout)![1]!;

async function project(name: string) {
  return makeProject(name, { 'aero.config.ts': CONFIG, 'src/pipeline.ts': PIPELINE });
}

describe('aero tag', () => {
  it('tags the newest version, moves it with a recorded history, lists tags, and refuses bad refs and names', async () => {
    const dir = await project('tag');
    expect((await aero(dir, 'run', 'prep.n=2')).code).toBe(0);
    const first = await aero(dir, 'tag', 'prep.data', 'best');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Tagged prep\.data@best → [0-9a-f]{12} \(from prep\.data@\S+\)\.\n$/);
    const run2 = await aero(dir, 'run', 'prep.n=4');
    const moved = await aero(dir, 'tag', `prep.data@${runIdOf(run2.stdout)}`, 'best');
    expect(moved.stdout).toContain('Moved prep.data@best: ');
    expect(moved.stdout).toContain('The move is kept in its history: aero tag --list prep.data --json');
    const history = await aero(dir, 'tag', '--list', 'prep.data', '--json');
    const record = JSON.parse(history.stdout.trim());
    expect(record.history).toHaveLength(2);
    expect(record.history[1].previous).toEqual(record.history[0].digests);
    const list = await aero(dir, 'tag', '--list');
    expect(list.stdout.split('\n')[0]).toMatch(/^ARTIFACT\s+TAG\s+VERSION\s+UPDATED\s+MOVES$/);
    expect(list.stdout).toMatch(/prep\.data\s+best\s+[0-9a-f]{12}\s+\S+\s+1/);
    const artifacts = await aero(dir, 'artifacts', 'prep.data');
    expect(artifacts.stdout).toMatch(/prep\.data\s+[0-9a-f]{12}.*best/);

    // A typo in --list is refused, not answered with "no tags".
    expect(await refused(dir, 'tag', '--list', 'prep.dta')).toBe('[aero] PIN_UNKNOWN_OUTPUT: aero tag --list `prep.dta`: action `prep` has no output `dta`.\n  hint: Did you mean `prep.data`?\n');
    expect(await refused(dir, 'tag', '--list', 'prep')).toBe('[aero] PIN_INVALID: aero tag --list `prep` is not `<action>.<output>`.\n  hint: Name an output, e.g. aero tag --list prep.data; `aero artifacts` lists outputs and versions.\n');
    expect(await refused(dir, 'tag', '--list', 'prep.data@best')).toContain('[aero] USAGE_INVALID: `aero tag --list` takes an artifact without a version: aero tag --list prep.data\n');
    expect((await aero(dir, 'tag', '--list', 'prep.stats')).stdout).toBe('No tags on prep.stats yet. Name a version with: aero tag <action>.<output> <tag>\n');
    expect(await refused(dir, 'tag', 'prep.dat', 'x1')).toBe('[aero] PIN_UNKNOWN_OUTPUT: aero tag `prep.dat`: action `prep` has no output `dat`.\n  hint: Did you mean `prep.data`?\n');
    expect(await refused(dir, 'tag', 'prep.data', 'beef')).toBe('[aero] TAG_INVALID: `beef` cannot be a tag: it would read as a digest prefix (only hex letters).\n  hint: Pick a name like best, prod or v1.\n');
    expect(await refused(dir, 'tag', 'prep.data@bst', 'prod')).toBe('[aero] PIN_UNKNOWN_TAG: aero tag prep.data@bst: no tag, run or version of prep.data is called `bst`.\n  hint: Did you mean `prep.data@best`?\n');
  });
});

describe('aero run --use', () => {
  it('feeds the pinned version to the consumers; the producer does not run; show and why say so', async () => {
    const dir = await project('use');
    const small = await aero(dir, 'run', 'prep.n=2');
    expect((await aero(dir, 'tag', 'prep.data', 'small')).code).toBe(0);
    expect((await aero(dir, 'run', 'prep.n=5')).code).toBe(0);
    const pinned = await aero(dir, 'run', 'prep.n=5', '--use', 'prep.data@small', '--only', 'train', '--force');
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toMatch(/cached\s+prep\.data@small: pinned by --use prep\.data@small/);
    expect(pinned.stdout).toMatch(/ran\s+train/);
    expect(pinned.stdout).not.toMatch(/ran\s+(prep|ingest)\b/);
    const runId = runIdOf(pinned.stdout);
    const record = await readJson(join(dir, '.aero/runs', runId, 'run.json'));
    const smallRecord = await readJson(join(dir, '.aero/runs', runIdOf(small.stdout), 'run.json'));
    const trainOf = (r: any) => r.actions.find((a: any) => a.id === 'train');
    expect(trainOf(record).outputs).toEqual(trainOf(smallRecord).outputs); // trained on the two pinned values
    expect(record.pins).toEqual([expect.objectContaining({ spec: 'prep.data@small', via: 'tag' })]);
    const show = await aero(dir, 'show', runId);
    expect(show.stdout).toMatch(/pinned {4}prep\.data@small → [0-9a-f]{12} \(tag\)/);
    const why = await aero(dir, 'why', 'train', '--use', 'prep.data@small', 'prep.n=5');
    expect(why.stdout).toContain('is cached');
    expect(why.stdout).toMatch(/input `data` is pinned by --use prep\.data@small \(version [0-9a-f]{12}\): `prep` does not run for it/);

    expect(await refused(dir, 'run', '--use', 'prep.stats@latest')).toBe('[aero] PIN_NOT_CONSUMED: --use `prep.stats@latest`: no action takes prep.stats as an input, so pinning it changes nothing.\n  hint: Pin an output some action reads; `aero graph` shows which outputs feed which actions.\n');
    expect(await refused(dir, 'run', '--use', 'prep.data@smal')).toContain('PIN_UNKNOWN_TAG: --use prep.data@smal: no tag, run or version of prep.data is called `smal`.\n  hint: Did you mean `prep.data@small`?');
    const noOutput = await aero(dir, 'run', '--use', 'prepp.data@small');
    expect(noOutput.stderr).toBe('[aero] PIN_UNKNOWN_OUTPUT: --use `prepp.data@small`: no action `prepp` in this pipeline.\n  hint: Did you mean `prep.data`?\n');
    const day = runId.slice(0, 9);
    expect(await refused(dir, 'run', '--use', `prep.data@${day}`)).toContain(`PIN_AMBIGUOUS: --use prep.data@${day} is ambiguous: it matches run `);
  });

  it('a name that is both a tag and a run with another version is ambiguous; an output no run made yet says to run it', async () => {
    const dir = await project('use-tag-run');
    expect(await refused(dir, 'run', '--use', 'prep.data@latest')).toBe('[aero] ARTIFACT_NOT_FOUND: --use prep.data@latest: no run has produced prep.data yet.\n  hint: Run the pipeline first: aero run --only prep\n');
    expect((await aero(dir, 'run', '--only', 'prep')).code).toBe(0);
    expect((await aero(dir, 'run', 'prep.n=2')).code).toBe(0);
    expect((await aero(dir, 'tag', 'prep.data', 'small')).code).toBe(0);
    const named = runIdOf((await aero(dir, 'run', 'prep.n=5', '--name', 'small')).stdout);
    const stderr = await refused(dir, 'run', '--use', 'prep.data@small');
    expect(stderr).toMatch(new RegExp(`^\\[aero\\] PIN_AMBIGUOUS: --use prep\\.data@small is ambiguous: \`small\` is a tag of prep\\.data and the name of run ${named}, which made another version\\.\n  hint: For the run, give its id: prep\\.data@${named}; for the tag, its version: prep\\.data@([0-9a-f]{12})\\.\n$`));
    const digest = /prep\.data@([0-9a-f]{12})\.\n$/.exec(stderr)![1]!;
    // Both commands the hint gives work.
    expect((await aero(dir, 'run', '--use', `prep.data@${named}`, '--dry-run')).code).toBe(0);
    expect((await aero(dir, 'run', '--use', `prep.data@${digest}`, '--dry-run')).code).toBe(0);
  });
});

describe('aero rerun', () => {
  it('a deterministic run reruns identical from its snapshot, in a scratch store, exit 0; the --from hint names it', async () => {
    const dir = await project('rerun-ok');
    const first = await aero(dir, 'run', 'prep.n=4');
    const runId = runIdOf(first.stdout);
    const cacheBefore = (await readdir(join(dir, '.aero/cache'))).sort();
    const runsBefore = (await readdir(join(dir, '.aero/runs'))).sort();
    const r = await aero(dir, 'rerun', runId);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Reran ${runId} from its snapshot in a scratch store (the project's cache was not read or written).\nAll 8 artifact(s) are identical to the original run's.\n`);
    expect((await readdir(join(dir, '.aero/cache'))).sort()).toEqual(cacheBefore);
    expect((await readdir(join(dir, '.aero/runs'))).sort()).toEqual(runsBefore);
    expect(await readdir(join(dir, '.aero/reruns'))).toEqual([]);

    // --from on changed code points to aero rerun, and that command works.
    const file = join(dir, 'src/pipeline.ts');
    await writeFile(file, (await readFile(file, 'utf8')).replace('log.metric(\'loss\', 1 / sum);', 'log.metric(\'loss\', 2 / sum);'));
    const from = await aero(dir, 'run', '--from', runId, '--dry-run');
    expect(from.stderr).toBe(`[aero] warning: --from ${runId} replays that run's overrides on today's code, which differs for \`train\` (src/pipeline.ts). To run it exactly as it was (its code, params and input versions): aero rerun ${runId}; to see what changed: aero why train\n`);
    const hinted = /aero rerun (\S+);/.exec(from.stderr)![1]!;
    const again = await aero(dir, 'rerun', hinted, '--json');
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report).toMatchObject({ runId, source: 'snapshot', identical: true, status: 'succeeded' });
  });

  it('a run started with --config OTHER is recreated from that file, not from aero.config.ts', async () => {
    const dir = await makeProject('rerun-config', {
      'aero.config.ts': CONFIG,
      'src/pipeline.ts': PIPELINE,
      // Standalone (it does not import aero.config.ts), with other params.
      'alt.config.ts': CONFIG.replace('n: 3', 'n: 5'),
    });
    const runId = runIdOf((await aero(dir, 'run', '--config', 'alt.config.ts')).stdout);
    const r = await aero(dir, 'rerun', runId);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Reran ${runId} from its snapshot in a scratch store (the project's cache was not read or written).\nAll 8 artifact(s) are identical to the original run's.\n`);
    expect(JSON.parse(await readFile(join(dir, '.aero/runs', runId, 'snapshot/config.json'), 'utf8'))).toMatchObject({ configFile: 'alt.config.ts', params: { prep: { n: 5 } } });

    // A snapshot without that file cannot be recreated from another one: a clear error.
    const { rm } = await import('node:fs/promises');
    await rm(join(dir, '.aero/runs', runId, 'snapshot/sources/alt.config.ts'));
    const lost = await aero(dir, 'rerun', runId);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain(`[aero] RERUN_SOURCE_MISSING: Run ${runId} cannot be recreated: it was started with the config file alt.config.ts, which neither its snapshot nor its commit holds.`);
  });

  it('a nondeterministic action makes the rerun exit 1 with a table of what differs', async () => {
    const dir = await makeProject('rerun-noisy', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
const steady = defineAction({ name: 'steady', outputs: { v: { handler: 'json' } }, async run({ outputs }) { await outputs.v.write(1); } });
const noisy = defineAction({ name: 'noisy', inputs: { v: steady.output('v') }, outputs: { v: { handler: 'json' } }, async run({ outputs }) { await outputs.v.write(Math.random()); } });
export default defineConfig({ actions: [steady, noisy] });
`,
    });
    const runId = runIdOf((await aero(dir, 'run')).stdout);
    const r = await aero(dir, 'rerun', 'latest');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toBe('1 of 2 artifact(s) differ from the original run\'s:');
    expect(lines[2]).toMatch(/^INSTANCE\s+OUTPUT\s+ORIGINAL\s+RERUN$/);
    expect(lines[3]).toMatch(/^noisy\s+v\s+[0-9a-f]{12}\s+[0-9a-f]{12}$/);
    expect(lines[0]).toBe(`Reran ${runId} from its snapshot in a scratch store (the project's cache was not read or written).`);
  });

  it('an instance that fails in the rerun is named with its error, not left as a digest that differs', async () => {
    const flag = join(tmpdir(), `aero-rerun-fails-${process.pid}-${Date.now()}`);
    const dir = await makeProject('rerun-fails', {
      'aero.config.ts': `import { existsSync } from 'node:fs';
import { defineAction, defineConfig } from '@aeroml/core';
const fetch = defineAction({ name: 'fetch', outputs: { v: { handler: 'json' } }, async run({ outputs }) {
  if (existsSync(${JSON.stringify(flag)})) throw new Error('the server is gone');
  await outputs.v.write(1);
} });
export default defineConfig({ actions: [fetch] });
`,
    });
    const runId = runIdOf((await aero(dir, 'run')).stdout);
    await writeFile(flag, '');
    const r = await aero(dir, 'rerun', runId);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toBe("1 of 1 artifact(s) differ from the original run's (the rerun failed):");
    expect(lines[3]).toMatch(/^fetch\s+v\s+[0-9a-f]{12}\s+\(not produced\)$/);
    expect(lines[4]).toBe('fetch failed: ACTION_FAILED: Action `fetch` threw: the server is gone');
    // The log is in the scratch store, gone with the command: its end is shown, and no
    // `aero logs <rerun-id>` hint names a run no command could find.
    expect(r.stdout).not.toContain('aero logs');
    expect(r.stdout).toMatch(/\n {2}its log \(last lines\):\n {4}.*the server is gone/);
    const json = JSON.parse((await aero(dir, 'rerun', runId, '--json')).stdout);
    expect(json.failures).toMatchObject([{ instance: 'fetch', code: 'ACTION_FAILED', message: expect.stringMatching(/^Action `fetch` threw: the server is gone\n {2}at /) }]); // with where it threw
    expect(json.failures[0].log.join('\n')).toContain('the server is gone');
    expect(json.failures[0].hint ?? '').not.toContain('aero logs');
  });

  it('takes the code from the git commit in a temporary worktree when the snapshot lacks a file, and says so', async () => {
    const dir = await project('rerun-git');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' }).toString();
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', 'aero.config.ts', 'src');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'pipeline');
    const first = await aero(dir, 'run');
    const runId = runIdOf(first.stdout);
    // A snapshot that lost a file (as one written before that file was a dependency).
    const { rm } = await import('node:fs/promises');
    await rm(join(dir, '.aero/runs', runId, 'snapshot/sources/src/pipeline.ts'));
    const r = await aero(dir, 'rerun', runId);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const commit = git('rev-parse', 'HEAD').trim();
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      `Reran ${runId} from git commit ${commit.slice(0, 12)} in a temporary worktree in a scratch store (the project's cache was not read or written).`,
      `note: the snapshot lacks src/pipeline.ts: code from git commit ${commit.slice(0, 12)} in a temporary worktree, with the snapshot's files over it`,
    ]);
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1); // the worktree is gone
  });

  it('a run that cannot be recreated and an unknown run are clear errors', async () => {
    const dir = await project('rerun-missing');
    // A checkout with no commit yet: the run records none (outside a repository it is the same).
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const runId = runIdOf((await aero(dir, 'run')).stdout);
    const { rm } = await import('node:fs/promises');
    await rm(join(dir, '.aero/runs', runId, 'snapshot'), { recursive: true });
    const r = await aero(dir, 'rerun', runId);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`[aero] RERUN_SOURCE_MISSING: Run ${runId} cannot be recreated: its snapshot lacks `);
    expect(r.stderr).toContain('and it has no git commit to take them from.');
    expect(await refused(dir, 'rerun', 'nope')).toContain('RUN_NOT_FOUND: No run matches `nope`.');
  });

  it('a run started with --only reruns from its snapshot: it holds the files of every action the config imports', async () => {
    const dir = await project('rerun-only');
    await writeFile(join(dir, 'src/extra.ts'), `import { defineAction } from '@aeroml/core';\nexport const extra = defineAction({ name: 'extra', outputs: { o: { handler: 'json' } }, async run({ outputs }) { await outputs.o.write(1); } });\n`);
    await writeFile(join(dir, 'aero.config.ts'), CONFIG.replace("import { ingest, prep, train, sims } from './src/pipeline.js';", "import { ingest, prep, train, sims } from './src/pipeline.js';\nimport { extra } from './src/extra.js';").replace('actions: [ingest, prep, train, sims]', 'actions: [ingest, prep, train, sims, extra]'));
    const runId = runIdOf((await aero(dir, 'run', '--only', 'prep')).stdout);
    const r = await aero(dir, 'rerun', runId);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`Reran ${runId} from its snapshot in a scratch store (the project's cache was not read or written).\nAll 3 artifact(s) are identical to the original run's.\n`);
    expect(r.code).toBe(0);
  });

  it('a module only the config imports (defaults for its params) is in the snapshot: the run reruns identical', async () => {
    const dir = await project('rerun-config-import');
    await writeFile(join(dir, 'src/defaults.ts'), 'export const N = 2;\n');
    await writeFile(join(dir, 'aero.config.ts'), CONFIG.replace("import { defineConfig } from '@aeroml/core';", "import { defineConfig } from '@aeroml/core';\nimport { N } from './src/defaults.js';").replace('n: 3', 'n: N'));
    const runId = runIdOf((await aero(dir, 'run', '--only', 'prep')).stdout);
    expect((await aero(dir, 'show', runId, '--sources')).stdout).toContain('src/defaults.ts');
    const r = await aero(dir, 'rerun', runId);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`Reran ${runId} from its snapshot in a scratch store (the project's cache was not read or written).\nAll 3 artifact(s) are identical to the original run's.\n`);
  });

  it('a config importing a file outside the project, which no action uses, is said to be the run\'s missing source', async () => {
    const dir = await project('rerun-outside');
    const { mkdir } = await import('node:fs/promises');
    const shared = `${dir}-shared`;
    await mkdir(shared, { recursive: true });
    await writeFile(join(shared, 'settings.ts'), 'export const N = 2;\n');
    await writeFile(join(dir, 'aero.config.ts'), CONFIG.replace("import { defineConfig } from '@aeroml/core';", `import { defineConfig } from '@aeroml/core';\nimport { N } from '../${shared.split('/').at(-1)}/settings.ts';`).replace('n: 3', 'n: N'));
    const runId = runIdOf((await aero(dir, 'run', '--only', 'prep')).stdout);
    const r = await aero(dir, 'rerun', runId);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `[aero] RERUN_SOURCE_MISSING: Run ${runId} cannot be recreated: its config file aero.config.ts does not load from the run's snapshot: Cannot find module '../${shared.split('/').at(-1)}/settings.ts'\n` +
        '  hint: A file the config imports from outside the project folder is not in the snapshot; keep the files the config imports inside the project (or commit them with it), then run the pipeline again to make a reproducible run.\n',
    );
  });
});

describe('aero diff', () => {
  it('prints params, config, code as a unified diff, inputs and metrics side by side; --json gives the same data', async () => {
    const dir = await project('diff');
    const a = runIdOf((await aero(dir, 'run', 'prep.n=3')).stdout);
    const file = join(dir, 'src/pipeline.ts');
    await writeFile(file, (await readFile(file, 'utf8')).replace("log.metric('loss', 1 / sum);", "log.metric('loss', 10 / sum);"));
    const b = runIdOf((await aero(dir, 'run', 'prep.n=5')).stdout);
    const r = await aero(dir, 'diff', a, b);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nparams:\n  prep.n: 3 → 5\n');
    expect(r.stdout).toContain('\nconfig:\n  overrides: ["prep.n=3"] → ["prep.n=5"]\n');
    expect(r.stdout).toMatch(/\ninputs:\n {2}train data: [0-9a-f]{12} → [0-9a-f]{12}\n/);
    expect(r.stdout).toContain('\ncode: 1 file(s) src/pipeline.ts (changed)\n');
    expect(r.stdout).toContain("-    log.metric('loss', 1 / sum);\n+    log.metric('loss', 10 / sum);");
    expect(r.stdout).toMatch(/\nmetrics:\n {2}INSTANCE\s+METRIC\s+\S+\s+\S+\n {2}train\s+loss\s+0\.166667\s+0\.666667/);
    const json = JSON.parse((await aero(dir, 'diff', a, b, '--json')).stdout);
    expect(json.params).toEqual([{ path: 'prep.n', before: 3, after: 5 }]);
    expect(json.metrics).toEqual([{ instance: 'train', metric: 'loss', a: 1 / 6, b: 10 / 15 }]);
    expect(json.code.map((c: any) => c.file)).toEqual(['src/pipeline.ts']);
    expect(await refused(dir, 'diff', a)).toContain('`aero diff` needs two runs: aero diff <run-a> <run-b>');
  });
});

describe('aero export', () => {
  it('writes a CMB-ML style tree by hard link, replaces stale files, leaves identical ones, and refuses bad layouts', async () => {
    const dir = await project('export');
    expect((await aero(dir, 'run', '--only', 'sims')).code).toBe(0);
    const r = await aero(dir, 'export', 'sims', '--to', 'out', '--layout', '{action}/{split}/{sim:04d}.{ext}');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^written {3}sims\/test\/0000\.json {2}\(sims\.map@[0-9a-f]{12}\)$/m);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^Exported 4 file\(s\) of sims from run \S+ to out: 4 written, 0 replaced, 0 unchanged\.$/);
    expect(JSON.parse(await readFile(join(dir, 'out/sims/train/0001.json'), 'utf8'))).toEqual({ split: 'train', sim: 1 });
    expect((await stat(join(dir, 'out/sims/train/0001.json'))).nlink).toBeGreaterThan(1); // a hard link to the store's blob

    // A stale file left by someone (a new file: editing the exported hard link in place would edit the store's blob; see --copy).
    const { rm } = await import('node:fs/promises');
    await rm(join(dir, 'out/sims/train/0001.json'));
    await writeFile(join(dir, 'out/sims/train/0001.json'), 'stale');
    const again = await aero(dir, 'export', 'sims', '--to', 'out', '--layout', '{action}/{split}/{sim:04d}.{ext}');
    expect(again.stdout).toMatch(/^replaced {2}sims\/train\/0001\.json/m);
    expect(again.stdout).toContain(': 0 written, 1 replaced, 3 unchanged.');
    expect(JSON.parse(await readFile(join(dir, 'out/sims/train/0001.json'), 'utf8'))).toEqual({ split: 'train', sim: 1 });

    const plain = await aero(dir, 'export', 'sims.map', '--to', 'plain', '--copy');
    expect(plain.code).toBe(0);
    expect(existsSync(join(dir, 'plain/test/0001/map.json'))).toBe(true); // the output's own path template
    expect((await stat(join(dir, 'plain/test/0001/map.json'))).nlink).toBe(1); // --copy: a file of its own

    expect(await refused(dir, 'export', 'sims', '--to', 'out', '--layout', '{action}/{splt}.{ext}')).toBe('[aero] EXPORT_LAYOUT_INVALID: --layout `{action}/{splt}.{ext}` uses `{splt}`, which is not a tag here.\n  hint: Did you mean `{split}`? Tags here: {action}, {ext}, {file}, {output}, {path}, {sim}, {split}, {stem}.\n');
    expect(await refused(dir, 'export', 'sims', '--to', 'out', '--layout', '../{split}/{sim}.{ext}')).toContain('PLAN_PATH_ESCAPES: aero export: train/0000/map.json of sims.map would be written to `../train/0.json`, outside the export folder.');
    const collide = await aero(dir, 'export', 'sims', '--to', 'out', '--layout', '{split}.{ext}');
    expect(collide.code).toBe(2);
    expect(collide.stderr).toContain('EXPORT_PATH_COLLISION: aero export: ');
    expect(collide.stderr).toContain('hint: Add the tags that tell them apart to --layout, e.g. {action}, {output}, a partition key or {file}.');
    // Checked before anything is written: aero's own folders, a file as --to or on the way, a symbolic link on the way.
    expect(await refused(dir, 'export', 'sims', '--to', '.aero/objects')).toBe("[aero] EXPORT_TARGET_INVALID: aero export --to .aero/objects: .aero is aero's own folder (the store and the runs), not a place for exported files.\n  hint: Export to a folder outside it, e.g. --to exported.\n");
    expect(await refused(dir, 'export', 'sims', '--to', 'out', '--layout', '')).toBe("[aero] EXPORT_LAYOUT_INVALID: --layout is empty.\n  hint: Give a template such as --layout '{action}/{output}/{path}', or leave --layout out for each output's own paths.\n");
    expect(await refused(dir, 'export', 'sims', '--to', '')).toBe('[aero] EXPORT_TARGET_INVALID: aero export --to : an empty folder name would mean the project folder itself.\n  hint: Name the folder to export to, e.g. --to exported.\n');
    await writeFile(join(dir, 'afile.txt'), 'mine');
    expect(await refused(dir, 'export', 'sims', '--to', 'afile.txt')).toBe('[aero] EXPORT_TARGET_INVALID: aero export --to afile.txt: that is a file, not a folder.\n  hint: Pick another --to, or move what is in the way.\n');
    await rm(join(dir, 'out/sims/test'), { recursive: true });
    await writeFile(join(dir, 'out/sims/test'), 'in the way');
    const blocked = await aero(dir, 'export', 'sims', '--to', 'out', '--layout', '{action}/{split}/{sim:04d}.{ext}');
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/^\[aero\] EXPORT_TARGET_INVALID: aero export --to out: sims\.map's test\/\d{4}\/map\.json would be written to sims\/test\/\d{4}\.json, but sims\/test there is a file, not a folder\.\n/);
    await rm(join(dir, 'out/sims/test'));
    const { symlink } = await import('node:fs/promises');
    await symlink(join(dir, '..'), join(dir, 'out/sims/test'));
    expect((await aero(dir, 'export', 'sims', '--to', 'out', '--layout', '{action}/{split}/{sim:04d}.{ext}')).stderr).toContain('but sims/test there is a symbolic link, not a folder.');
    await rm(join(dir, 'out/sims/test'));
    expect(await readFile(join(dir, 'afile.txt'), 'utf8')).toBe('mine');
    const unknown = await aero(dir, 'export', 'simz', '--to', 'out');
    expect(unknown.stderr).toBe('[aero] PIN_UNKNOWN_OUTPUT: aero export `simz`: no action `simz` in this pipeline.\n  hint: Did you mean `sims`?\n');
    expect(await refused(dir, 'export', 'train', '--to', 'out')).toBe('[aero] ARTIFACT_NOT_FOUND: No run has produced `train` yet, so there is nothing to export.\n  hint: Run it first: aero run --only train\n');
  });
});

describe('aero export, file and folder on one path', () => {
  it('partitions whose output path does not tell them apart: the hinted --layout has the partition keys, and it works', async () => {
    const dir = await makeProject('export-partitions', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
const sims = defineAction({
  name: 'sims',
  partitions: { split: ['tr ain', 'test'] },
  outputs: { map: { handler: 'json', path: 'map.json' } },
  async run({ partition, outputs }) { await outputs.map.write(partition); },
});
export default defineConfig({ actions: [sims] });
`,
    });
    expect((await aero(dir, 'run')).code).toBe(0);
    const stderr = await refused(dir, 'export', 'sims', '--to', 'out');
    expect(stderr).toContain("hint: Give a --layout that tells them apart, e.g. --layout '{split}/{path}'.\n");
    const r = await aero(dir, 'export', 'sims', '--to', 'out', '--layout', '{split}/{path}');
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'out', 'tr ain', 'map.json'), 'utf8'))).toEqual({ split: 'tr ain' });
  });

  it('a version gc removed names its run and the command that makes it again, and that command works', async () => {
    const dir = await project('export-after-gc');
    expect((await aero(dir, 'run', 'prep.n=4', '--name', 'big', '--only', 'prep')).code).toBe(0);
    expect((await aero(dir, 'run', 'prep.n=2', '--only', 'prep')).code).toBe(0);
    expect((await aero(dir, 'gc', '--keep-runs', '1')).code).toBe(0);
    const r = await aero(dir, 'export', 'prep.data', '--run', 'big', '--to', 'out');
    expect(r.code).toBe(2);
    const big = /made by run (\S+), is no longer/.exec(r.stderr)?.[1];
    expect(r.stderr).toMatch(/^\[aero\] ARTIFACT_NOT_FOUND: prep\.data@[0-9a-f]{12}, made by run \S+, is no longer in the store \(removed by `aero gc`\?\)\.\n  hint: Make it again with the run's overrides: aero run --from \S+ \(the same version when the code has not changed since\), then export it\.\n$/);
    expect((await aero(dir, 'run', '--from', big!, '--only', 'prep')).code).toBe(0);
    expect((await aero(dir, 'export', 'prep.data', '--run', 'latest', '--to', 'out')).code).toBe(0);
  });

  it('an output file on the folder of another output is refused before anything is written', async () => {
    const dir = await makeProject('export-file-folder', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
const both = defineAction({
  name: 'both',
  outputs: { a: { handler: 'text', path: 'm' }, b: { handler: 'text', path: 'm/x.txt' } },
  async run({ outputs }) { await outputs.a.write('a'); await outputs.b.write('b'); },
});
export default defineConfig({ actions: [both] });
`,
    });
    expect((await aero(dir, 'run')).code).toBe(0);
    expect(await refused(dir, 'export', 'both', '--to', 'out')).toBe(
      "[aero] EXPORT_PATH_COLLISION: aero export: `m` would be both the file m of both.a and a folder holding m/x.txt of both.b (`m/x.txt`).\n  hint: Give a --layout that tells them apart, e.g. --layout '{action}/{output}/{path}'.\n",
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect((await aero(dir, 'export', 'both', '--to', 'out', '--layout', '{action}/{output}/{path}')).code).toBe(0);
    expect(await readFile(join(dir, 'out/both/b/m/x.txt'), 'utf8')).toBe('b');
  });
});

describe('docs/guides/reproduce.md', () => {
  it('the example config runs with every command shown after it, each exit 0 with nothing on stderr', async () => {
    const guide = await readFile(new URL('../../../docs/guides/reproduce.md', import.meta.url), 'utf8');
    const blocks = [...guide.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1]!.trim(), code: m[2]! }));
    const at = blocks.findIndex((b) => b.info === 'ts example');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(blocks[at + 1]!.info).toBe('sh');
    const dir = await makeProject('guide-reproduce', { 'aero.config.ts': blocks[at]!.code });
    const commands = blocks[at + 1]!.code.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l.startsWith('npx aero ')).map((l) => l.slice('npx aero '.length).split(/\s+/));
    expect(commands.map((c) => c[0])).toEqual(['run', 'tag', 'run', 'run', 'show', 'why', 'diff', 'rerun', 'export', 'tag']);
    const outputs: string[] = [];
    for (const args of commands) {
      const r = await aero(dir, ...args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
      outputs.push(r.stdout);
    }
    expect(outputs[3]).not.toMatch(/ran\s+prep/);
    expect(outputs[4]).toMatch(/pinned {4}prep\.data@small → [0-9a-f]{12}/);
    expect(outputs[6]).toContain('prep.n: 2 → 5');
    expect(outputs[7]).toContain('are identical to the original run\'s');
    expect(JSON.parse(await readFile(join(dir, 'handover/data.json'), 'utf8'))).toEqual([1, 2]); // the pinned version the newest run used
  });
});
