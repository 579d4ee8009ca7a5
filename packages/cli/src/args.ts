import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export interface CommandSpec {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Positional arguments allowed (names for help), or 'many'. */
  positionals?: string[] | 'many';
  details?: string;
  load: () => Promise<Command>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export type Command = (args: ParsedArgs, io: import('./io.js').IO) => Promise<number>;

/** Options every command accepts. */
export const GLOBAL_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  cwd: { type: 'string', short: 'C' },
  config: { type: 'string' },
  json: { type: 'boolean' },
};

export function parseCommandArgs(name: string, spec: CommandSpec, argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...spec.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[\w+\]: /, '').replace(/\. To specify.*$/s, '.'));
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

/** `--only a,b --only c` → ['a','b','c'] */
export function listOption(value: string | boolean | string[] | undefined): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function intOption(name: string, value: string | boolean | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} needs a whole number of at least 1, got \`${String(value)}\`.`);
  return n;
}
