import { GLOBAL_OPTIONS, HELP_OPTIONS, type CommandSpec, type OptionSpec } from '../args.js';

/** What a completion script offers for a value: a fixed list, the project's action names, paths, or nothing. */
export type ValueCompletion = { kind: 'words'; words: readonly string[] } | { kind: 'actions' } | { kind: 'files' } | { kind: 'dirs' } | { kind: 'none' };

export interface CompletionOption {
  long: string;
  short?: string;
  description: string;
  /** Undefined for a flag. */
  value?: { name: string; complete: ValueCompletion; list: boolean };
  repeatable: boolean;
}

export interface CompletionCommand {
  name: string;
  summary: string;
  /** The command's own options, then the global ones and --help. */
  options: CompletionOption[];
  /** What the first positional argument completes to. */
  firstPositional: ValueCompletion;
}

/**
 * The commands and options of the CLI as the three shell scripts need them, read from
 * the COMMANDS table: a command or option added there is completed without touching
 * the scripts.
 */
export function completionModel(commands: Record<string, CommandSpec>): CompletionCommand[] {
  const shared = { ...GLOBAL_OPTIONS, help: HELP_OPTIONS.help! };
  return Object.entries(commands).map(([name, spec]) => ({
    name,
    summary: spec.summary,
    options: Object.entries({ ...spec.options, ...shared }).map(([long, o]) => completionOption(long, o)),
    firstPositional: valueCompletion(spec.completePositionals),
  }));
}

function completionOption(long: string, o: OptionSpec): CompletionOption {
  return {
    long,
    ...(o.short ? { short: o.short } : {}),
    description: o.description ?? '',
    ...(o.type === 'string' ? { value: { name: o.value ?? 'VALUE', complete: valueCompletion(o.complete), list: o.complete === 'actions' && Boolean(o.multiple) } } : {}),
    repeatable: Boolean(o.multiple),
  };
}

function valueCompletion(complete: OptionSpec['complete']): ValueCompletion {
  if (complete === undefined) return { kind: 'none' };
  if (typeof complete === 'string') return { kind: complete };
  return { kind: 'words', words: complete };
}

/** Options that take a value, as typed: `-j --jobs`. The scripts skip their values when counting positionals. */
export function valueOptionWords(command: CompletionCommand): string[] {
  return command.options.filter((o) => o.value).flatMap((o) => [...(o.short ? [`-${o.short}`] : []), `--${o.long}`]);
}

export function optionWords(command: CompletionCommand): string[] {
  return command.options.flatMap((o) => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])]);
}
