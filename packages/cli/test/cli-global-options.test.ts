import { basename, dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, HELP, commandHelp } from '../src/help.js';
import { aero, makeProject, refused } from './helpers.js';

// The command line as a user types it: options for every command before the command name,
// `aero help <command>`, ambiguous run prefixes, list filters that match nothing, the
// corrected command line of a misspelled override, reserved run names.

const pipeline = `import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';
const generate = defineAction({
  name: 'generate',
  params: z.object({ n: z.number().default(3) }),
  outputs: { train: { handler: 'json' }, test: { handler: 'json' } },
  run: async ({ params, outputs }) => { await outputs.train.write([params.n]); await outputs.test.write([params.n + 1]); },
});
const fit = defineAction({
  name: 'fit',
  params: z.object({ lr: z.number().default(0.1), epochs: z.number().default(3) }),
  inputs: { train: generate.output('train') },
  outputs: { model: { handler: 'json' } },
  run: async ({ params, inputs, outputs }) => outputs.model.write({ lr: params.lr, data: await inputs.train.read() }),
});
// generate.n is in the config's params; fit.lr and fit.epochs only in fit's schema.
export default defineConfig({ actions: [generate, fit], params: { generate: { n: 4 } } });
`;

/** The run ids in the project, newest first. */
async function runIds(dir: string): Promise<string[]> {
  const r = await aero(dir, 'ps', '--json', '--all');
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

describe('options for every command before the command name', () => {
  let dir: string;
  let parent: string;
  let name: string;
  beforeAll(async () => {
    dir = await makeProject('global-options', { 'aero.config.ts': pipeline });
    [parent, name] = [dirname(dir), basename(dir)];
    const r = await aero(dir, 'run');
    expect(r.code, r.stderr).toBe(0);
  });

  it('-C DIR, --config FILE and --json are taken before the command, with their values, as after it', async () => {
    const after = await aero(parent, 'ps', '-C', name);
    expect(after.code, after.stderr).toBe(0);
    for (const args of [['-C', name, 'ps'], [`-C${name}`, 'ps'], ['--cwd', name, 'ps'], [`--cwd=${name}`, 'ps'], ['-C', name, '--config', 'aero.config.ts', 'ps'], ['--config=aero.config.ts', '-C', name, 'ps']]) {
      const r = await aero(parent, ...args);
      expect({ args, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ args, code: 0, stderr: '', stdout: after.stdout });
    }
    const json = await aero(parent, '--json', '-C', name, 'ps');
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe((await aero(parent, 'ps', '-C', name, '--json')).stdout);
    expect(JSON.parse(json.stdout.split('\n')[0]!)).toMatchObject({ status: 'succeeded' });
    // The command after them is parsed as usual: its own options and arguments.
    const list = await aero(parent, '-C', name, 'why', 'fit', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout.split('\n')[0]!)).toMatchObject({ instanceId: 'fit', decision: 'cached' });
  });

  it('an option before the command that is not one for every command is refused as an option, with the hint that works', async () => {
    expect(await refused(parent, '--jsno', '-C', name, 'ps')).toBe("[aero] USAGE_INVALID: Unknown option '--jsno' before the command name.\n  hint: Did you mean `--json`? aero --json -C " + name + ' ps\n');
    expect((await aero(parent, '--json', '-C', name, 'ps')).code).toBe(0);
    expect(await refused(parent, '--cwdd', name, 'ps')).toBe("[aero] USAGE_INVALID: Unknown option '--cwdd' before the command name.\n  hint: Did you mean `--cwd`? aero --cwd " + name + ' ps\n');
    // An option of the command itself goes after its name: the hint moves it there.
    expect(await refused(parent, '-C', name, '--dry-run', 'run')).toBe(
      "[aero] USAGE_INVALID: Unknown option '--dry-run' before the command name.\n  hint: `--dry-run` is an option of `aero run`, not one for every command: it goes after the command name. aero -C " + name + ' run --dry-run\n',
    );
    const moved = await aero(parent, '-C', name, 'run', '--dry-run');
    expect({ code: moved.code, stderr: moved.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await refused(parent, '-j', '2', 'run')).toBe("[aero] USAGE_INVALID: Unknown option '-j' before the command name.\n  hint: `-j` is an option of `aero run`, not one for every command: it goes after the command name. aero run -j 2\n");
    expect(await refused(parent, '--bogus', 'ps')).toBe(
      "[aero] USAGE_INVALID: Unknown option '--bogus' before the command name.\n  hint: Before the command name go only the options for every command (-C/--cwd DIR, --config FILE, --json); a command's own options go after its name. Run `aero --help`.\n",
    );
    expect(await refused(parent, '--hepl')).toBe("[aero] USAGE_INVALID: Unknown option '--hepl' before the command name.\n  hint: Did you mean `--help`? aero --help\n");
    const json = await aero(parent, '--json', '--bogus', 'ps');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'error', code: 'USAGE_INVALID', message: "Unknown option '--bogus' before the command name." });
  });

  it('global options without a command, or without their value, are refused (exit 2)', async () => {
    expect(await refused(parent, '-C')).toBe("[aero] USAGE_INVALID: Option '-C, --cwd <value>' argument missing\n  hint: Run `aero --help`.\n");
    expect(await refused(parent, '-C', name)).toBe(`[aero] USAGE_INVALID: No command after \`-C ${name}\`.\n  hint: Run \`aero --help\` for the list of commands.\n`);
  });

  it('a mistyped command after global options keeps them where they were in the corrected line; --help and --version as before', async () => {
    expect(await refused(parent, '-C', name, 'rn', '--dry-run')).toBe(`[aero] USAGE_INVALID: Unknown command \`rn\`.\n  hint: Did you mean \`run\`? aero -C ${name} run --dry-run\n`);
    expect(await refused(parent, '-C', name, 'rn')).toBe('[aero] USAGE_INVALID: Unknown command `rn`.\n  hint: Did you mean `run`? Run `aero run --help`.\n');
    for (const args of [['--help'], ['-h'], ['-C', name, '--help'], []]) {
      const r = await aero(parent, ...args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 0, stdout: HELP + '\n' });
    }
    const version = await aero(parent, '--version');
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const command = await aero(parent, '-C', name, 'ps', '--help');
    expect(command.stdout).toBe(commandHelp('ps') + '\n');
  });
});

describe('aero help <command>', () => {
  it('prints the help of a command; an unknown one is refused as `aero <unknown>` is (exit 2)', async () => {
    const ps = await aero(process.cwd(), 'help', 'ps');
    expect({ code: ps.code, stdout: ps.stdout }).toEqual({ code: 0, stdout: commandHelp('ps') + '\n' });
    expect(await refused(process.cwd(), 'help', 'nope')).toBe('[aero] USAGE_INVALID: Unknown command `nope`.\n  hint: Run `aero --help` for the list of commands.\n');
    expect(await refused(process.cwd(), 'help', 'rn')).toBe('[aero] USAGE_INVALID: Unknown command `rn`.\n  hint: Did you mean `run`? Run `aero run --help`.\n');
    // `help` is no command of its own: `aero help` alone is the main help.
    expect(Object.hasOwn(COMMANDS, 'help')).toBe(false);
    expect((await aero(process.cwd(), 'help')).stdout).toBe(HELP + '\n');
  });
});

describe('run references, list filters and run names', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeProject('filters', { 'aero.config.ts': pipeline });
  });

  it('an empty store says there is nothing yet, also with a filter (exit 0)', async () => {
    expect(await aero(dir, 'artifacts', 'zzz')).toMatchObject({ code: 0, stdout: 'No artifacts yet. Run the pipeline with `aero run`.\n', stderr: '' });
    expect(await aero(dir, 'ps', '--sweep', 'sweep-x')).toMatchObject({ code: 0, stdout: 'No runs yet. Start one with `aero run`.\n', stderr: '' });
  });

  it('--name latest (a word run references read as the newest run) and an empty --name are refused before anything runs', async () => {
    expect(await refused(dir, 'run', '--name', 'latest')).toBe(
      '[aero] USAGE_INVALID: `--name latest` cannot name a run: `latest` already means the newest run (`aero show latest`), so this run could never be found by its name.\n  hint: Pick another name, e.g. `--name baseline`, or leave --name out: the run is then known by its id.\n',
    );
    for (const name of ['2026', '20261207-1', '20261207-234500-ab']) {
      expect(await refused(dir, 'run', '--name', name)).toBe(
        `[aero] USAGE_INVALID: \`--name ${name}\` cannot name a run: it reads as the start of a run id (YYYYMMDD-HHMMSS-xxxxxx), so \`aero show ${name}\` could not tell it from the runs whose ids start so.\n  hint: Pick a name that does not look like a run id, e.g. \`--name baseline\` or \`--name run-2026\`.\n`,
      );
    }
    expect(await refused(dir, 'run', '--name=')).toBe('[aero] USAGE_INVALID: `--name` needs a name for the run, got an empty one.\n  hint: Give one, e.g. `--name baseline`, or leave --name out: the run is then known by its id.\n');
    expect(await runIds(dir)).toEqual([]);
  });

  it('a run prefix several runs start with is RUN_AMBIGUOUS in show, logs and diff, listing the runs', async () => {
    expect((await aero(dir, 'run')).code).toBe(0);
    expect((await aero(dir, 'run', '--name', 'baseline')).code).toBe(0);
    const [newest, older] = await runIds(dir);
    const prefix = commonPrefix(newest!, older!);
    const expected = `[aero] RUN_AMBIGUOUS: \`${prefix}\` matches several runs: ${newest} (baseline), ${older}.\n  hint: Give more characters of the run id (\`aero ps\` lists the runs), the run's name (given with \`aero run --name NAME\`) or \`latest\`.\n`;
    expect(await refused(dir, 'show', prefix)).toBe(expected);
    expect(await refused(dir, 'logs', prefix, 'fit')).toBe(expected);
    expect(await refused(dir, 'diff', prefix, 'latest')).toBe(expected);
    // A unique prefix and the name still find the run.
    expect((await aero(dir, 'show', older!.slice(0, prefix.length + 1))).stdout).toContain(`run       ${older}\n`);
    expect((await aero(dir, 'show', 'baseline')).stdout).toContain(`run       ${newest} (baseline)\n`);
    expect(await refused(dir, 'show', 'nope')).toBe('[aero] RUN_NOT_FOUND: No run matches `nope`.\n  hint: List runs with `aero ps`; use a run id, a unique prefix of one, or `latest`.\n');
  });

  it('aero artifacts NAME that no artifact has is ARTIFACT_NOT_FOUND with the nearest names; an action name suggests its outputs', async () => {
    expect(await refused(dir, 'artifacts', 'fit')).toBe('[aero] ARTIFACT_NOT_FOUND: No artifact is named `fit`: `fit` is an action, and an artifact is named ACTION.OUTPUT.\n  hint: Did you mean `fit.model`?\n');
    expect(await refused(dir, 'artifacts', 'generate')).toBe('[aero] ARTIFACT_NOT_FOUND: No artifact is named `generate`: `generate` is an action, and an artifact is named ACTION.OUTPUT.\n  hint: Did you mean `generate.test` or `generate.train`?\n');
    expect(await refused(dir, 'artifacts', 'fti.model')).toBe('[aero] ARTIFACT_NOT_FOUND: No artifact is named `fti.model`.\n  hint: Did you mean `fit.model`?\n');
    expect(await refused(dir, 'artifacts', 'zzz')).toBe('[aero] ARTIFACT_NOT_FOUND: No artifact is named `zzz`.\n  hint: Artifacts in the store: fit.model, generate.test, generate.train.\n');
    const json = await aero(dir, 'artifacts', 'fti.model', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ type: 'error', code: 'ARTIFACT_NOT_FOUND', message: 'No artifact is named `fti.model`.', hint: 'Did you mean `fit.model`?' });
    // The suggested name lists its version.
    const fixed = await aero(dir, 'artifacts', 'fit.model');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/^fit\.model +[0-9a-f]{12} +json /m);
  });

  it('an output of the pipeline that was not made yet is said, exit 0', async () => {
    const other = await makeProject('filters-declared', { 'aero.config.ts': pipeline });
    expect((await aero(other, 'run', '--only', 'generate')).code).toBe(0);
    expect(await aero(other, 'artifacts', 'fit.model')).toMatchObject({ code: 0, stdout: 'No versions of fit.model yet. Make them with `aero run --only fit`.\n', stderr: '' });
  });

  it('aero ps --sweep ID that no run belongs to is RUN_NOT_FOUND with the nearest sweep ids', async () => {
    expect(await refused(dir, 'ps', '--sweep', 'tune-typo')).toBe('[aero] RUN_NOT_FOUND: No run belongs to sweep `tune-typo`.\n  hint: No run belongs to a sweep yet; a sweep is started with `aero run -m key=a,b`.\n');
    expect((await aero(dir, 'run', '-m', 'generate.n=1,2')).code).toBe(0);
    const sweep = (JSON.parse((await aero(dir, 'ps', '--json')).stdout.split('\n')[0]!) as { sweepId: string }).sweepId;
    expect(sweep).toMatch(/^sweep-/);
    expect(await refused(dir, 'ps', '--sweep', sweep.slice(0, -1))).toBe(`[aero] RUN_NOT_FOUND: No run belongs to sweep \`${sweep.slice(0, -1)}\`.\n  hint: Did you mean \`${sweep}\`?\n`);
    expect(await refused(dir, 'ps', '--sweep', 'tune-typo')).toBe(`[aero] RUN_NOT_FOUND: No run belongs to sweep \`tune-typo\`.\n  hint: Sweeps: ${sweep} (the SWEEP column of \`aero ps\`).\n`);
    const listed = await aero(dir, 'ps', '--sweep', sweep);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n')).toHaveLength(3); // the header and the sweep's two runs
  });
});

describe('a misspelled override: the hint is this command line with the key corrected', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeProject('override-hints', { 'aero.config.ts': pipeline });
    expect((await aero(dir, 'run')).code).toBe(0);
  });

  /** The hint of a refusal, then the hinted command run: it must work. */
  async function hintWorks(args: string[], message: string, hint: string): Promise<void> {
    expect(await refused(dir, ...args)).toBe(`[aero] PLAN_UNKNOWN_PARAM: ${message}\n  hint: ${hint}\n`);
    const command = hint.slice(hint.indexOf('aero ') + 'aero '.length).split(' ');
    const r = await aero(dir, ...command);
    expect({ command, code: r.code, stderr: r.stderr }).toEqual({ command, code: 0, stderr: '' });
  }

  it('aero run ... --dry-run keeps the command and --dry-run, without a needless +', async () => {
    await hintWorks(['run', 'fit.lrr=0.01', '--dry-run'], 'Unknown param `fit.lrr` (set on the command line): no action reads it.', 'Did you mean `fit.lr`? aero run fit.lr=0.01 --dry-run');
    // A sweep: the corrected line keeps -m and every value of the list.
    expect(await refused(dir, 'run', '-n', '-m', 'fit.lrr=0.1,0.2')).toBe(
      '[aero] Sweep combination 1/2 (fit.lrr=0.1) cannot run, so no combination was run:\n[aero] PLAN_UNKNOWN_PARAM: Unknown param `fit.lrr` (set on the command line): no action reads it.\n  hint: Did you mean `fit.lr`? aero run -n -m fit.lr=0.1,0.2\n',
    );
    const sweep = await aero(dir, 'run', '-n', '-m', 'fit.lr=0.1,0.2');
    expect({ code: sweep.code, stderr: sweep.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('aero why keeps `aero why` and its action', async () => {
    await hintWorks(['why', 'fit', 'fit.lrr=3'], 'Unknown param `fit.lrr` (set on the command line): no action reads it.', 'Did you mean `fit.lr`? aero why fit fit.lr=3');
  });

  it('a + typed by the user stays when the corrected key is not in the params, and goes when it is', async () => {
    await hintWorks(['run', '+fit.lrr=0.01', '-n'], 'Unknown param `fit.lrr` (set on the command line): no action reads it.', 'Did you mean `fit.lr`? aero run +fit.lr=0.01 -n');
    await hintWorks(['run', '+generate.nn=2', '-n'], 'Unknown param `generate.nn` (set on the command line): no action reads it.', 'Did you mean `generate.n`? aero run generate.n=2 -n');
  });

  it('several misspelled keys: each issue names its corrected override, the hint is the whole corrected command line', async () => {
    const stderr = await refused(dir, 'run', 'fit.lrr=0.01', 'fit.epoch=3', '--dry-run');
    expect(stderr).toBe(`[aero] PLAN_INVALID: The pipeline has 2 problems; nothing was run:
  - PLAN_UNKNOWN_PARAM: Unknown param \`fit.lrr\` (set on the command line): no action reads it. (Did you mean \`fit.lr\`? Write \`fit.lr=0.01\`.)
  - PLAN_UNKNOWN_PARAM: Unknown param \`fit.epoch\` (set on the command line): no action reads it. (Did you mean \`fit.epochs\`? Write \`fit.epochs=3\`.)
  hint: Fix them all: aero run fit.lr=0.01 fit.epochs=3 --dry-run
`);
    const fixed = await aero(dir, 'run', 'fit.lr=0.01', 'fit.epochs=3', '--dry-run');
    expect({ code: fixed.code, stderr: fixed.stderr }).toEqual({ code: 0, stderr: '' });
    const json = await aero(dir, 'run', 'fit.lrr=0.01', '--json', '-n');
    expect(JSON.parse(json.stdout.trim().split('\n').at(-1)!)).toEqual({ type: 'error', code: 'PLAN_UNKNOWN_PARAM', message: 'Unknown param `fit.lrr` (set on the command line): no action reads it.', hint: 'Did you mean `fit.lr`? aero run fit.lr=0.01 --json -n' });
  });
});
