import { relative } from 'node:path';
import { parseCreateArgs, USAGE } from './args.js';
import { completeChoices } from './choices.js';
import { isCreateError } from './errors.js';
import { installDependencies } from './install.js';
import { promptChoices, type PromptStreams } from './prompts.js';
import { scaffold, scaffoldOptionsFrom } from './scaffold.js';
import { VERSIONS } from './versions.js';

export interface MainIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether questions can be asked (stdin and stdout are terminals). */
  interactive: boolean;
  cwd: string;
  streams?: PromptStreams;
}

const defaultIO = (): MainIO => ({
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  cwd: process.cwd(),
});

/** The create-aeroml command; returns the exit code (0 ok, 1 install failed, 2 bad input). */
export async function main(argv: string[], io: MainIO = defaultIO()): Promise<number> {
  try {
    const args = parseCreateArgs(argv);
    if (args.help) {
      io.out(USAGE);
      return 0;
    }
    if (args.version) {
      io.out((VERSIONS['create-aeroml'] ?? '').replace(/^\^/, ''));
      return 0;
    }
    const raw = !args.yes && io.interactive ? await promptChoices(args, { askDir: true, cwd: io.cwd, ...(io.streams ? { streams: io.streams } : {}) }) : args;
    const choices = completeChoices(raw, { useDefaults: args.yes, dirRequired: true, cwd: io.cwd });
    const result = await scaffold(scaffoldOptionsFrom(choices, { fromTarballs: args.fromTarballs }));
    const shown = relative(io.cwd, result.dir) || '.';
    io.out(`Created ${result.name} (${result.template}${result.pluginKind ? ` ${result.pluginKind}` : ''}) in ${shown}: ${result.files.length} files.`);
    if (choices.install) await installDependencies(result.dir);
    io.out(`\nNext:\n  cd ${shown.includes(' ') ? JSON.stringify(shown) : shown}${choices.install ? '' : ' && npm install'} && ${result.firstCommand}`);
    return 0;
  } catch (error) {
    if (isCreateError(error)) {
      io.err(error.format());
      return error.exitCode;
    }
    throw error;
  }
}
