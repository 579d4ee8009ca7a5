import { parseArgs } from 'node:util';
import type { RawChoices } from './choices.js';
import { CreateError, CreateErrorCodes } from './errors.js';
import { didYouMean } from './suggest.js';

export interface CreateArgs extends RawChoices {
  fromTarballs?: string | undefined;
  yes: boolean;
  help: boolean;
  version: boolean;
}

const OPTIONS = {
  template: { type: 'string', short: 't' },
  'plugin-kind': { type: 'string' },
  name: { type: 'string' },
  'from-tarballs': { type: 'string' },
  install: { type: 'boolean' },
  'no-install': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export const OPTION_NAMES = Object.keys(OPTIONS);

/** `create-aeroml [DIR] [flags]` → choices; any unknown or malformed flag is an error (exit 2). */
export function parseCreateArgs(argv: string[]): CreateArgs {
  // Non-strict parse with tokens, so unknown flags get a "did you mean" instead of Node's message.
  const { values, positionals, tokens } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = (OPTIONS as Record<string, { type: string }>)[token.name];
    if (!spec) {
      throw new CreateError(CreateErrorCodes.UNKNOWN_OPTION, `Unknown option \`${token.rawName}\`.${didYouMean(token.name, OPTION_NAMES, (c) => `\`--${c}\``)}`, { hint: 'Run create-aeroml --help for the options.' });
    }
    if (spec.type === 'string' && (token.value === undefined || token.value === '')) {
      throw new CreateError(CreateErrorCodes.INVALID_ARGUMENTS, `\`${token.rawName}\` needs a value.`, { hint: `Write ${token.rawName} VALUE; create-aeroml --help lists the values.` });
    }
    if (spec.type === 'boolean' && token.value !== undefined) {
      throw new CreateError(CreateErrorCodes.INVALID_ARGUMENTS, `\`${token.rawName}\` takes no value, got \`${token.value}\`.`, { hint: `Write ${token.rawName} alone.` });
    }
  }
  if (positionals.length > 1) {
    throw new CreateError(CreateErrorCodes.INVALID_ARGUMENTS, `create-aeroml takes one folder, got ${positionals.length}: ${positionals.join(' ')}.`, { hint: 'Quote a folder name with spaces; flags start with --.' });
  }
  if (values.install && values['no-install']) {
    throw new CreateError(CreateErrorCodes.INVALID_ARGUMENTS, '--install and --no-install contradict each other.', { hint: 'Pass one of them.' });
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    dir: positionals[0],
    template: str(values.template),
    pluginKind: str(values['plugin-kind']),
    name: str(values.name),
    fromTarballs: str(values['from-tarballs']),
    install: values.install ? true : values['no-install'] ? false : undefined,
    yes: Boolean(values.yes),
    help: Boolean(values.help),
    version: Boolean(values.version),
  };
}

export const USAGE = `create-aeroml — start an aero project

Usage: npm create aeroml@latest [DIR] -- [options]
       create-aeroml [DIR] [options]

Options:
  -t, --template ts|yaml|python|plugin   what to create (default: ts)
      --plugin-kind handler|tracker|store|launcher
                                         the kind of plugin, with --template plugin (default: handler)
      --name NAME                        package name (default: the folder name)
      --from-tarballs DIR                point @aeroml/* dependencies at npm pack tarballs in DIR
      --install / --no-install           run npm install in the new folder (default: install)
  -y, --yes                              take the defaults for every choice not given; never ask
  -h, --help                             this help
  -v, --version                          print the version

Without a terminal and without --yes, every choice must be given as a flag.`;
