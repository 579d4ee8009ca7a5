import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main, parseCreateArgs } from '../src/index.js';
import { create, tempDir } from './helpers.js';

describe('flags', () => {
  it('parses every flag', () => {
    expect(parseCreateArgs(['app', '--template', 'plugin', '--plugin-kind', 'store', '--name', '@me/app', '--from-tarballs', 't', '--no-install', '--yes'])).toEqual({
      dir: 'app', template: 'plugin', pluginKind: 'store', name: '@me/app', fromTarballs: 't', install: false, yes: true, help: false, version: false,
    });
    expect(parseCreateArgs(['-t', 'yaml', '-y', '--install'])).toMatchObject({ dir: undefined, template: 'yaml', install: true, yes: true });
  });

  it('rejects an unknown flag with the nearest one (exit 2)', async () => {
    const cwd = await tempDir('args');
    const r = await create(cwd, 'app', '--tempalte', 'ts');
    expect(r.code).toBe(2);
    expect(r.err).toBe('[create-aeroml] CREATE_UNKNOWN_OPTION: Unknown option `--tempalte`. Did you mean `--template`?\n  hint: Run create-aeroml --help for the options.\n');
    const far = await create(cwd, '--colour');
    expect(far.err).toBe('[create-aeroml] CREATE_UNKNOWN_OPTION: Unknown option `--colour`.\n  hint: Run create-aeroml --help for the options.\n');
  });

  it('rejects an unknown template or plugin kind with suggestions (exit 2)', async () => {
    const cwd = await tempDir('args');
    const r = await create(cwd, 'app', '--template', 'pyhton', '--yes');
    expect(r.code).toBe(2);
    expect(r.err).toBe('[create-aeroml] CREATE_UNKNOWN_TEMPLATE: Unknown template `pyhton`. Did you mean `python`? Templates: ts, yaml, python, plugin.\n  hint: Pass one of them: --template ts\n');
    const kind = await create(cwd, 'app', '--template', 'plugin', '--plugin-kind', 'tracer', '--yes');
    expect(kind.code).toBe(2);
    expect(kind.err).toContain('CREATE_UNKNOWN_PLUGIN_KIND: Unknown plugin kind `tracer`. Did you mean `tracker`? Kinds: handler, tracker, store, launcher.');
  });

  it('rejects contradictions, bad names, extra folders and flags without values', async () => {
    const cwd = await tempDir('args');
    const cases: Array<[string[], string]> = [
      [['app', '--template', 'ts', '--plugin-kind', 'store', '--yes'], 'CREATE_INVALID_ARGUMENTS: --plugin-kind store only applies to --template plugin, not --template ts.'],
      [['app', '--install', '--no-install'], 'CREATE_INVALID_ARGUMENTS: --install and --no-install contradict each other.'],
      [['app', '--name', 'My App', '--yes'], 'CREATE_INVALID_NAME: `My App` is not a valid npm package name: use lower-case letters, digits, - . _ ~ and an optional @scope/ (at most 214 characters).\n  hint: Pass one with --name, e.g. --name my-app'],
      [['one', 'two'], 'CREATE_INVALID_ARGUMENTS: create-aeroml takes one folder, got 2: one two.'],
      [['app', '--template'], 'CREATE_INVALID_ARGUMENTS: `--template` needs a value.'],
      [['app', '--yes=no'], 'CREATE_INVALID_ARGUMENTS: `--yes` takes no value, got `no`.'],
    ];
    for (const [argv, message] of cases) {
      const r = await create(cwd, ...argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.err).toContain(`[create-aeroml] ${message}`);
    }
  });

  it('without a terminal and without --yes, names every missing choice instead of guessing', async () => {
    const cwd = await tempDir('args');
    const r = await create(cwd);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      [
        '[create-aeroml] CREATE_MISSING_CHOICES: No terminal to ask in, and these choices were not given:',
        '  - DIR (the new folder)',
        '  - --template ts|yaml|python|plugin',
        '  - --install or --no-install',
        '  hint: Pass them as flags, or pass --yes to take the defaults (template ts, install on).',
        '',
      ].join('\n'),
    );
    const plugin = await create(cwd, 'p', '--template', 'plugin', '--install');
    expect(plugin.err).toContain('these choices were not given:\n  - --plugin-kind handler|tracker|store|launcher\n');
  });

  it('on a terminal, asks for each choice not given; a wrong answer is explained and asked again', async () => {
    const cwd = await tempDir('prompt');
    const input = new PassThrough();
    const answers = ['plugn', 'plugin', '3', 'lab-store', '', 'n'];
    let shown = '';
    // Answer each question when it is printed, as a person would.
    const output = new Writable({
      write: (chunk, _e, done) => {
        shown += String(chunk);
        if (/\? \[[^\]]*\] $/.test(String(chunk))) input.write(`${answers.shift()}\n`);
        done();
      },
    });
    let out = '';
    const done = main([], { out: (t) => (out += t), err: (t) => (out += t), interactive: true, cwd, streams: { input, output } });
    expect(await done).toBe(0);
    expect(shown).toContain('Template? [ts]');
    expect(shown).toContain('  Unknown template `plugn`. Did you mean `plugin`?');
    expect(shown).toContain('Plugin kind? [handler]');
    expect(shown).toContain('Folder? [aero-store-plugin]');
    expect(shown).toContain('Package name? [lab-store]');
    const pkg = JSON.parse(await readFile(join(cwd, 'lab-store', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('lab-store');
    expect(pkg.keywords).toEqual(['aero', 'aero-store']);
    expect(out).toContain('cd lab-store && npm install && npm test');
  });

  it('--help and --version', async () => {
    const cwd = await tempDir('args');
    const help = await create(cwd, '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: npm create aeroml@latest [DIR] -- [options]');
    expect(help.out).toContain('--from-tarballs DIR');
    const version = await create(cwd, '--version');
    expect(version.out).toBe(`${JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  });
});
