import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS } from '../src/args.js';
import { COMMANDS } from '../src/help.js';
import { aero, CLI, copyQuickstart, makeProject, plainEnv, refused } from './helpers.js';

// The completion scripts run in real shells against a real project (the quick start:
// ingest, split, train, evaluate), calling a real `aero` on PATH for the action names.
const ACTIONS = ['evaluate', 'ingest', 'split', 'train'];

let project: string;
let outside: string;
let env: NodeJS.ProcessEnv;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  project = await copyQuickstart();
  outside = await mkdtemp(join(tmpdir(), 'aero-no-project-'));
  const bin = await mkdtemp(join(tmpdir(), 'aero-bin-'));
  await writeFile(join(bin, 'aero'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  await chmod(join(bin, 'aero'), 0o755);
  env = plainEnv({ PATH: `${bin}:${process.env.PATH}` });
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await aero(project, 'completion', shell);
    expect({ shell, code: r.code, stderr: r.stderr }).toEqual({ shell, code: 0, stderr: '' });
    scripts[shell] = join(bin, `aero.${shell}`);
    await writeFile(scripts[shell]!, r.stdout);
  }
});

const hasShell = (shell: string) => spawnSync(shell, ['--version'], { stdio: 'ignore' }).status === 0;

const longOptions = (command: string) => [...Object.keys(COMMANDS[command]!.options), ...Object.keys(GLOBAL_OPTIONS), 'help'].map((o) => `--${o}`).sort();
/** Long and short spellings of a command's options and the global ones. */
const optionWords = (command: string) =>
  [...Object.entries(COMMANDS[command]!.options), ...Object.entries(GLOBAL_OPTIONS), ['help', { short: 'h' }] as const].flatMap(([o, spec]) => [`--${o}`, ...(spec.short ? [`-${spec.short}`] : [])]).sort();

describe('aero completion --actions', () => {
  it("prints the project's action names, one per line", async () => {
    const r = await aero(project, 'completion', '--actions');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.trim().split('\n').sort()).toEqual(ACTIONS);
    const elsewhere = await aero(outside, 'completion', '--actions', '-C', project);
    expect(elsewhere.stdout.trim().split('\n').sort()).toEqual(ACTIONS);
  });

  it('prints nothing and exits 0 outside a project, or when the config fails to load or prints', async () => {
    const none = await aero(outside, 'completion', '--actions');
    expect(none).toEqual({ code: 0, stdout: '', stderr: '' });
    const broken = await makeProject('completion-broken', { 'aero.config.ts': "console.log('hello from the config'); console.error('loading');\nthrow new Error('broken');\n" });
    expect(await aero(broken, 'completion', '--actions')).toEqual({ code: 0, stdout: '', stderr: '' });
    const missing = await aero(outside, 'completion', '--actions', '--config', 'nope.config.ts');
    expect(missing).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('refuses a missing or unknown shell (exit 2, with the nearest shell)', async () => {
    expect(await refused(outside, 'completion')).toBe('[aero] USAGE_INVALID: `aero completion` needs a shell: bash, zsh or fish.\n  hint: aero completion bash > ~/.local/share/bash-completion/completions/aero\n');
    expect(await refused(outside, 'completion', 'bsh')).toBe('[aero] USAGE_INVALID: Unknown shell `bsh`: aero completion writes scripts for bash, zsh and fish.\n  hint: Did you mean `bash`? aero completion bash\n');
    const both = await aero(outside, 'completion', 'zsh', '--actions');
    expect(both.stderr).toBe('[aero] USAGE_INVALID: --actions prints action names and takes no shell, got `zsh`.\n  hint: Run `aero completion zsh` for the script.\n');
  });
});

describe('bash', () => {
  /** Sources the script in a real bash and calls its function as bash does on Tab: COMP_WORDS, COMP_CWORD. */
  function complete(cwd: string, ...lines: string[][]): string[][] {
    const probes = lines.map((words) => `t ${words.map((w) => `'${w}'`).join(' ')}`).join('\n');
    const driver = `source "$1"\nt() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _aero; printf '%s\\n' "\${COMPREPLY[*]}"; }\n${probes}\n`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', driver, 'bash', scripts.bash!], { cwd, env, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    return r.stdout.split('\n').slice(0, lines.length).map((l) => (l ? l.split(' ').sort() : []));
  }

  it('is valid bash and registers _aero for aero', () => {
    expect(spawnSync('bash', ['-n', scripts.bash!]).status).toBe(0);
    const r = spawnSync('bash', ['--norc', '-c', 'source "$1"; complete -p aero', 'bash', scripts.bash!], { env, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('complete -F _aero aero');
  });

  it('completes commands, and every option of every command from the COMMANDS table', () => {
    const commands = Object.keys(COMMANDS);
    const [all, r, ...perCommand] = complete(project, ['aero', ''], ['aero', 'r'], ...commands.map((c) => ['aero', c, '--']));
    expect(all).toEqual([...commands].sort());
    expect(r).toEqual(commands.filter((c) => c.startsWith('r')).sort());
    expect(Object.fromEntries(perCommand.map((options, i) => [commands[i], options]))).toEqual(Object.fromEntries(commands.map((c) => [c, longOptions(c)])));
    expect(complete(project, ['aero', 'run', '--dr'], ['aero', 'run', '-'])).toEqual([['--dry-run'], optionWords('run')]);
  });

  it("completes the project's action names for --only (also after a comma and after =) and aero why", () => {
    expect(
      complete(project, ['aero', 'run', '--only', ''], ['aero', 'run', '--only', 'tr'], ['aero', 'run', '--only', 'ingest,tr'], ['aero', 'run', '--only', '=', 's'], ['aero', 'run', '-n', '--only', ''], ['aero', 'why', ''], ['aero', 'why', 'tr']),
    ).toEqual([ACTIONS, ['train'], ['ingest,train'], ['split'], ACTIONS, ACTIONS, ['train']]);
    // After the action, aero why takes overrides: no action names, the options.
    expect(complete(project, ['aero', 'why', 'train', ''])).toEqual([optionWords('why')]);
  });

  it('completes fixed values, offers nothing for a value nobody can guess, and reads -C for the project', () => {
    expect(complete(project, ['aero', 'graph', '--format', ''], ['aero', 'completion', ''], ['aero', 'init', '--template', 'p'], ['aero', 'run', '-j', ''], ['aero', 'fly', ''])).toEqual([
      ['dot', 'mermaid'],
      ['bash', 'fish', 'zsh'],
      ['plugin', 'python'],
      [],
      [],
    ]);
    // Outside a project nothing is offered (and nothing printed); -C names the project.
    expect(complete(outside, ['aero', 'why', ''], ['aero', 'why', '-C', project, ''], ['aero', 'run', '--cwd', '=', project, '--only', 't'])).toEqual([[], ACTIONS, ['train']]);
  });
});

describe('zsh', () => {
  const zsh = hasShell('zsh');

  it(`is a #compdef function for aero with every command and option${zsh ? ', valid zsh (zsh -n)' : ' (zsh is not installed: structure only)'}`, () => {
    const text = spawnSync('cat', [scripts.zsh!], { encoding: 'utf8' }).stdout;
    expect(text.startsWith('#compdef aero\n')).toBe(true);
    for (const [name, spec] of Object.entries(COMMANDS)) {
      expect(text).toContain(`    '${name}:${spec.summary.replace(/'/g, `'\\''`)}'`);
      for (const option of Object.keys(spec.options)) expect(text).toMatch(new RegExp(`--${option}=?[,}']`));
    }
    if (!zsh) return;
    expect(spawnSync('zsh', ['-n', scripts.zsh!], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
  });

  // An interactive zsh in a pseudo-terminal (zsh/zpty): type, press Tab, read the screen.
  // Where zsh is not installed the generated structure above is what is checked.
  it(`completes commands, options, values and action names${zsh ? ' in an interactive zsh' : ': the script defines the pieces that do it (zsh is not installed)'}`, async () => {
    const text = spawnSync('cat', [scripts.zsh!], { encoding: 'utf8' }).stdout;
    expect(text).toContain(`'*'--only='[Run only these actions`);
    expect(text).toContain(`simulate\\[split=test\\]) and the upstream they need.]:SELECTORS:_aero_action_list'`);
    expect(text).toContain(`'(--format)'--format='[Output format: Mermaid (GitHub renders it) or Graphviz dot.]:mermaid|dot:(mermaid dot)'`);
    expect(text).toContain(`'1:argument:_aero_actions'`);
    if (!zsh) return;
    const driver = join(await mkdtemp(join(tmpdir(), 'aero-zpty-')), 'drive.zsh');
    await writeFile(
      driver,
      `setopt extendedglob
zmodload zsh/zpty
script=$1; shift
zpty z 'TERM=xterm zsh -f -i'
zpty -w z "PS1='> '; COLUMNS=400; bindkey -e; autoload -U compinit; compinit -u -D; source \${(q)script}; unsetopt beep; echo READY"
zpty -r z line '*READY*'
for probe in "$@"; do
  zpty -w -n z "$probe"$'\\t'
  out='' idle=0
  while (( idle < 20 )); do
    if zpty -r -t z chunk; then out+=$chunk; idle=0; else sleep 0.1; (( idle++ )); fi
  done
  zpty -w -n z $'\\C-a\\C-k'
  while zpty -r -t z chunk; do :; done
  print -r -- "=== $probe"
  print -r -- "\${out//$'\\e'\\[[0-9;?]#[a-zA-Z]/}"
done
zpty -d z
`,
    );
    const probes = ['aero r', 'aero run --dr', 'aero run --only ', 'aero run --only ingest,tr', 'aero why ', 'aero graph --format '];
    const r = spawnSync('zsh', ['-f', driver, scripts.zsh!, ...probes], { cwd: project, env, encoding: 'utf8', timeout: 90_000 });
    expect(r.status).toBe(0);
    const screens = Object.fromEntries(r.stdout.split(/^=== /m).slice(1).map((block) => [block.slice(0, block.indexOf('\n')), block.slice(block.indexOf('\n') + 1)]));
    expect(screens['aero r']).toMatch(/report +-- Write one self-contained HTML report/);
    expect(screens['aero r']).toMatch(/run +-- Run the pipeline \(only what changed\)/);
    expect(screens['aero run --dr']).toMatch(/--dry-run +-- Plan and print/);
    for (const action of ACTIONS) expect(screens['aero run --only ']).toMatch(new RegExp(`\\b${action}\\b`));
    expect(screens['aero run --only ingest,tr']).toContain('aero run --only ingest,train');
    for (const action of ACTIONS) expect(screens['aero why ']).toMatch(new RegExp(`\\b${action}\\b`));
    expect(screens['aero graph --format ']).toMatch(/dot +mermaid/);
  });
});

describe('fish', () => {
  const fish = hasShell('fish');

  it(`has a complete line for every command and option${fish ? ', valid fish (fish -n)' : ' (fish is not installed: structure only)'}`, () => {
    const text = spawnSync('cat', [scripts.fish!], { encoding: 'utf8' }).stdout;
    for (const [name, spec] of Object.entries(COMMANDS)) {
      expect(text).toContain(`complete -c aero -n __aero_needs_command -a '${name}' -d `);
      for (const option of Object.keys(spec.options)) expect(text).toMatch(new RegExp(`-n '__aero_using ${name}' (-s \\w )?-l ${option} `));
    }
    if (!fish) return;
    expect(spawnSync('fish', ['-n', scripts.fish!], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
  });

  // fish's own `complete -C LINE` prints the candidates (and descriptions) for a command line.
  // Where fish is not installed the generated structure above is what is checked.
  it(`completes commands, options, values and action names${fish ? ' in fish' : ': the script defines the pieces that do it (fish is not installed)'}`, () => {
    const text = spawnSync('cat', [scripts.fish!], { encoding: 'utf8' }).stdout;
    expect(text).toContain("complete -c aero -n '__aero_using run' -l only -x -a '(__aero_action_list)' -d ");
    // The options listed are those whose values are not positionals (-C DIR...).
    expect(text).toMatch(/^complete -c aero -n '__aero_using why; and __aero_first_positional [^']*-C --cwd --config' -x -a '\(__aero_actions\)'$/m);
    expect(text).toContain("complete -c aero -n '__aero_using graph' -l format -x -a 'mermaid dot' -d ");
    if (!fish) return;
    const candidates = (cwd: string, line: string) => {
      const r = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', scripts.fish!, line], { cwd, env, encoding: 'utf8' });
      expect({ line, status: r.status, stderr: r.stderr }).toEqual({ line, status: 0, stderr: '' });
      return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!).sort();
    };
    expect(candidates(project, 'aero r')).toEqual(Object.keys(COMMANDS).filter((c) => c.startsWith('r')).sort());
    expect(candidates(project, 'aero ')).toEqual(Object.keys(COMMANDS).sort());
    expect(candidates(project, 'aero run --dr')).toEqual(['--dry-run']);
    expect(candidates(project, 'aero run --only ')).toEqual(ACTIONS);
    expect(candidates(project, 'aero run --only ingest,tr')).toEqual(['ingest,train']);
    expect(candidates(project, 'aero why ')).toEqual(ACTIONS);
    expect(candidates(project, 'aero why train ')).toEqual([]);
    expect(candidates(project, 'aero graph --format ')).toEqual(['dot', 'mermaid']);
    expect(candidates(project, 'aero completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(candidates(outside, 'aero why ')).toEqual([]);
    expect(candidates(outside, `aero why -C ${project} `)).toEqual(ACTIONS);
  });
});
