import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS, HELP_OPTIONS, type OptionSpec } from '../src/args.js';
import { COMMANDS, DOCS_URL, commandHelp } from '../src/help.js';
import { aero, CLI, copyQuickstart, makeProject, plainEnv, refused, type CliResult } from './helpers.js';

const everyOption = (): Array<[string, string, OptionSpec]> => [
  ...Object.entries({ ...GLOBAL_OPTIONS, ...HELP_OPTIONS }).map(([name, o]): [string, string, OptionSpec] => ['(every command)', name, o]),
  ...Object.entries(COMMANDS).flatMap(([command, spec]) => Object.entries(spec.options).map(([name, o]): [string, string, OptionSpec] => [command, name, o])),
];

describe('aero <command> --help', () => {
  // A command added to COMMANDS without descriptions fails here, whoever adds it.
  it('every option of every command has a one-line description', () => {
    const missing = everyOption()
      .filter(([, , o]) => !o.description?.trim() || o.description.includes('\n'))
      .map(([command, name]) => `${command} --${name}`);
    expect(missing).toEqual([]);
  });

  it("lists each of a command's options and the global ones with flags, type, default and description", () => {
    for (const [command, spec] of Object.entries(COMMANDS)) {
      const help = commandHelp(command);
      for (const [name, o] of Object.entries({ ...spec.options, ...GLOBAL_OPTIONS, help: HELP_OPTIONS.help! })) {
        const flags = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
        const type = o.type === 'boolean' ? 'boolean' : (o.valueType ?? 'string');
        const line = help.split('\n').find((l) => l.trimStart().startsWith(`${flags} `));
        expect(line, `${command} --${name}`).toBeDefined();
        expect(line!.slice(line!.indexOf(flags) + flags.length).trimStart().startsWith(`${type} `), `${command} --${name} type`).toBe(true);
        expect(line, `${command} --${name}`).toContain(o.description!);
        if (o.default) expect(line, `${command} --${name}`).toContain(`(default: ${o.default})`);
      }
    }
  });

  it('prints the help through the CLI, exit 0, with the types and defaults', async () => {
    const r = await aero(process.cwd(), 'run', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(commandHelp('run') + '\n');
    expect(r.stdout).toMatch(/^ {2}-j, --jobs N +integer +How many actions run at once\. \(default: config concurrency, else the number of CPUs\)$/m);
    expect(r.stdout).toMatch(/^ {6}--only SELECTORS +string +Run only these actions .* Repeatable\. \(default: every action\)$/m);
    expect(r.stdout).toMatch(/^ {2}-n, --dry-run +boolean +Plan and print/m);
    expect(r.stdout).toMatch(/^Options for every command:\n {2}-C, --cwd DIR +path +Project directory/m);
    const graph = await aero(process.cwd(), 'help', 'graph');
    expect(graph.stdout).toMatch(/^ {6}--format mermaid\|dot +choice +Output format: .* \(default: mermaid\)$/m);
  });

  it('the global help lists every command, the global options with types, and the docs URL', async () => {
    const r = await aero(process.cwd(), '--help');
    expect(r.code).toBe(0);
    for (const command of Object.keys(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
    expect(r.stdout).toMatch(/^ {2}-v, --version +boolean +Print the version of aero\.$/m);
    expect(r.stdout).toMatch(/^ {6}--config FILE +path +Config file to load/m);
    expect(r.stdout).toContain(`\nDocs: ${DOCS_URL}\n`);
  });

  it('`aero --help` and a command help load no part of @aeroml/core (start-up budget)', async () => {
    // A module hook that refuses @aeroml/core: help that needed it would fail.
    const dir = await makeProject('no-core', {});
    const hooks = join(dir, 'hooks.mjs');
    await writeFile(hooks, `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@aeroml/core')) throw new Error('@aeroml/core was loaded');
  return next(specifier, context);
}\n`);
    const register = join(dir, 'register.mjs');
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const run = (...args: string[]) =>
      new Promise<CliResult>((resolve) => {
        const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, CLI, ...args], { cwd: dir, env: plainEnv() });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    for (const args of [['--help'], ['run', '--help'], ['completion', '--help']]) {
      const r = await run(...args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
    // The hook works: a command that needs the core fails under it.
    const list = await run('list');
    expect(list.stderr).toContain('@aeroml/core was loaded');
  });
});

describe('did you mean', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyQuickstart();
  });

  it('a mistyped command gets the nearest command, as the corrected command line when it parses', async () => {
    expect(await refused(dir, 'rn')).toBe('[aero] USAGE_INVALID: Unknown command `rn`.\n  hint: Did you mean `run`? Run `aero run --help`.\n');
    const withArgs = await aero(dir, 'rn', '--dry-run', 'train.lr=0.5');
    expect(withArgs.stderr).toBe('[aero] USAGE_INVALID: Unknown command `rn`.\n  hint: Did you mean `run`? aero run --dry-run train.lr=0.5\n');
    // The hinted command works.
    const fixed = await aero(dir, 'run', '--dry-run', 'train.lr=0.5');
    expect({ code: fixed.code, stderr: fixed.stderr }).toEqual({ code: 0, stderr: '' });
    const far = await aero(dir, 'zzzzzz');
    expect(far.stderr).toBe('[aero] USAGE_INVALID: Unknown command `zzzzzz`.\n  hint: Run `aero --help` for the list of commands.\n');
    const json = await aero(dir, 'lst', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ type: 'error', code: 'USAGE_INVALID', message: 'Unknown command `lst`.', hint: 'Did you mean `list`? aero list --json' });
  });

  it('a mistyped option gets the nearest option of that command, in the corrected command line', async () => {
    expect(await refused(dir, 'run', '--dryrun', '-j', '2')).toBe("[aero] USAGE_INVALID: Unknown option '--dryrun'.\n  hint: Did you mean `--dry-run`? aero run --dry-run -j 2\n");
    const fixed = await aero(dir, 'run', '--dry-run', '-j', '2');
    expect({ code: fixed.code, stderr: fixed.stderr }).toEqual({ code: 0, stderr: '' });
    // --name=value keeps its value; a value with a space is quoted for the shell.
    const inline = await aero(dir, 'run', '--nmae=first try');
    expect(inline.stderr).toBe("[aero] USAGE_INVALID: Unknown option '--nmae'.\n  hint: Did you mean `--name`? aero run '--name=first try'\n");
    // Global options are candidates too; the hint for --help is the help.
    expect((await aero(dir, 'list', '--jsno')).stderr).toBe("[aero] USAGE_INVALID: Unknown option '--jsno'.\n  hint: Did you mean `--json`? aero list --json\n");
    expect((await aero(dir, 'ps', '--hlep')).stderr).toBe("[aero] USAGE_INVALID: Unknown option '--hlep'.\n  hint: Did you mean `--help`? aero ps --help\n");
    // Another command's option is not offered: `--format` is graph's, not list's.
    expect((await aero(dir, 'list', '--formt')).stderr).toBe("[aero] USAGE_INVALID: Unknown option '--formt'.\n  hint: Run `aero list --help`.\n");
    // A corrected line that still does not parse hints the help instead of a command that fails.
    expect((await aero(dir, 'graph', '--formt', '--bogus')).stderr).toBe("[aero] USAGE_INVALID: Unknown option '--formt'.\n  hint: Did you mean `--format`? Run `aero graph --help`.\n");
    // One letter is no basis for a guess.
    expect((await aero(dir, 'run', '-x')).stderr).toBe("[aero] USAGE_INVALID: Unknown option '-x'.\n  hint: Run `aero run --help`.\n");
  });
});
