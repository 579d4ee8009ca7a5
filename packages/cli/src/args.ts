import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  /** What to do instead; main prints `Run \`aero <command> --help\`.` when there is none. */
  hint?: string;
  constructor(message: string, options: { hint?: string } = {}) {
    super(message);
    if (options.hint) this.hint = options.hint;
  }
}

/** An option the command does not have: main turns it into a "did you mean" hint. */
export class UnknownOptionError extends UsageError {
  constructor(
    message: string,
    /** Where it is in argv and how it was typed (`--dryrun`, `-x`), with its `=value` if any. */
    readonly unknown: UnknownOption | undefined,
  ) {
    super(message);
  }
}

export interface UnknownOption {
  index: number;
  rawName: string;
  inlineValue?: string;
}

/**
 * One option of a command: what node:util parseArgs needs (type, short, multiple) and
 * what `--help` and the completion scripts show. The help fields never reach parseArgs,
 * so `default` here is text for the reader: the command itself applies the default.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** One line for `aero <command> --help`. Optional in the type so entries can be added first; help.test.ts fails for any option without one. */
  description?: string;
  /** The value's name in help: `--jobs N`, `--cwd DIR` (VALUE when not given). */
  value?: string;
  /** The type shown in help when more exact than string: integer, path, a choice `mermaid|dot`. */
  valueType?: string;
  /** What the command does when the option is absent, shown as `(default: …)`. */
  default?: string;
  /** Values the completion scripts offer after this option: a fixed list, or the project's action names. */
  complete?: readonly string[] | 'actions' | 'files' | 'dirs';
}

export interface CommandSpec {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments allowed (names for help), or 'many'. */
  positionals?: string[] | 'many';
  /** What the completion scripts offer for positionals: a fixed list or the project's action names. */
  completePositionals?: readonly string[] | 'actions';
  details?: string;
  load: () => Promise<Command>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export type Command = (args: ParsedArgs, io: import('./io.js').IO) => Promise<number>;

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  cwd: { type: 'string', short: 'C', value: 'DIR', valueType: 'path', default: 'the current directory', complete: 'dirs', description: 'Project directory: where aero.config.ts and .aero/ are.' },
  config: { type: 'string', value: 'FILE', valueType: 'path', default: 'aero.config.ts, .mts, .js or .mjs', complete: 'files', description: 'Config file to load, relative to the project directory.' },
  json: { type: 'boolean', description: 'Machine-readable output: NDJSON events for run, JSON for the commands that list or report; an error adds {"type":"error",...} on stdout.' },
};

/** -h and -v: handled by main before any parsing, listed in help like the others. */
export const HELP_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'Print the help of the command: aero run --help.' },
  version: { type: 'boolean', short: 'v', description: 'Print the version of aero.' },
};

/** Only what parseArgs understands: the help fields stay out of parsing. */
function parseArgsOptions(options: Record<string, OptionSpec>): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(options)) out[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  return out;
}

export function parseCommandArgs(name: string, spec: CommandSpec, argv: string[]): ParsedArgs {
  const options = parseArgsOptions({ ...GLOBAL_OPTIONS, ...spec.options });
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/^TypeError \[\w+\]: /, '').replace(/\. To specify.*$/s, '.');
    if ((error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UnknownOptionError(message, unknownOption(argv, options));
    throw new UsageError(message);
  }
  const positionals = parsed.positionals;
  if (spec.positionals !== 'many') {
    const allowed = spec.positionals ?? [];
    if (positionals.length > allowed.length) {
      throw new UsageError(`\`aero ${name}\` takes ${allowed.length === 0 ? 'no arguments' : `at most ${allowed.length} argument(s) (${allowed.join(', ')})`}, got: ${positionals.join(' ')}.`);
    }
  }
  return { values: parsed.values as ParsedArgs['values'], positionals };
}

/** Where the positional arguments of `argv` are (not option values, not options). */
export function positionalIndexes(spec: CommandSpec, argv: string[]): number[] {
  const { tokens } = parseArgs({ args: argv, options: parseArgsOptions({ ...GLOBAL_OPTIONS, ...spec.options }), allowPositionals: true, strict: false, tokens: true });
  return tokens.flatMap((t) => (t.kind === 'positional' ? [t.index] : []));
}

/** The first option in argv that `options` lacks. */
function unknownOption(argv: string[], options: NonNullable<ParseArgsConfig['options']>): UnknownOption | undefined {
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  const shorts = new Set(Object.values(options).map((o) => o.short));
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const known = token.rawName.startsWith('--') ? token.name in options : shorts.has(token.rawName.slice(1));
    if (!known) return { index: token.index, rawName: token.rawName, ...(token.inlineValue && token.value !== undefined ? { inlineValue: token.value } : {}) };
  }
  return undefined;
}

/**
 * What comes before the command name: `aero -C t --json ps`. Only the options for every
 * command (GLOBAL_OPTIONS, with their values) and `--help`/`--version` may be there.
 */
export interface LeadingOptions {
  /** Index in argv of the command name; argv.length when there is none. */
  index: number;
  /** `--help`/`-h` or `--version`/`-v` came before any command name. */
  help?: boolean;
  version?: boolean;
  /** An option before the command name that is not one for every command. */
  unknown?: UnknownOption;
}

export function leadingOptions(argv: string[]): LeadingOptions {
  const shorts = new Map(Object.entries(GLOBAL_OPTIONS).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  let i = 0;
  while (i < argv.length) {
    const token = argv[i]!;
    if (token === '--' || token === '-' || !token.startsWith('-')) break;
    if (token === '--help' || token === '-h') return { index: i, help: true };
    if (token === '--version' || token === '-v') return { index: i, version: true };
    const eq = token.indexOf('=');
    const long = token.startsWith('--');
    const name = long ? token.slice(2, eq < 0 ? undefined : eq) : shorts.get(token[1]!);
    const option = name === undefined ? undefined : GLOBAL_OPTIONS[name];
    if (!option) {
      const rawName = long ? token.slice(0, eq < 0 ? undefined : eq) : token.slice(0, 2);
      const inlineValue = long ? (eq < 0 ? undefined : token.slice(eq + 1)) : token.length > 2 ? token.slice(2) : undefined;
      return { index: i, unknown: { index: i, rawName, ...(inlineValue !== undefined ? { inlineValue } : {}) } };
    }
    // A value option takes the next word unless it came with its value (`--cwd=t`, `-Ct`).
    const inline = long ? eq >= 0 : token.length > 2;
    i += option.type === 'string' && !inline ? 2 : 1;
  }
  return { index: Math.min(i, argv.length) };
}

/** Parses the options for every command alone (what came before a missing command name), for their errors. */
export function parseGlobalOptions(argv: string[]): void {
  try {
    parseArgs({ args: argv, options: parseArgsOptions(GLOBAL_OPTIONS), allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[\w+\]: /, '').replace(/\. To specify.*$/s, '.'));
  }
}

/** `--only a,b --only c` → ['a','b','c'] */
export function listOption(value: string | boolean | string[] | undefined): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/**
 * `--only` as given (repeatable, not split): core splits each value on the commas outside
 * `[...]` (`simulate[split=test,sim=1]` is one selector) and refuses an empty one (`''`, `a,`).
 */
export function selectorOption(value: string | boolean | string[] | undefined): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return Array.isArray(value) ? [...value] : [value];
}

export function intOption(name: string, value: string | boolean | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} needs a whole number of at least 1, got \`${String(value)}\`.`);
  return n;
}
