import { GLOBAL_OPTIONS, parseCommandArgs, type CommandSpec, type UnknownOption } from './args.js';

// Only on the error path: the core's suggestion helper (fastest-levenshtein) loads when a
// name was mistyped, so `aero --help` and every correct command line never pay for it.
async function nearest(word: string, candidates: string[]): Promise<string | undefined> {
  const { nearestNames } = await import('@aeroml/core');
  return nearestNames(word, candidates, 1)[0];
}

async function didYouMean(name: string): Promise<string> {
  return (await import('@aeroml/core')).didYouMean([name]);
}

/**
 * `aero rn --dry-run` → "Did you mean `run`? aero run --dry-run": the corrected command
 * line when it parses. A bare `aero lineag` gets the command's help instead, since
 * `aero lineage` alone fails (it needs an artifact). Undefined when no command is near.
 */
export async function unknownCommandHint(word: string, rest: string[], commands: Record<string, CommandSpec>): Promise<string | undefined> {
  const best = await nearest(word, Object.keys(commands));
  if (!best) return undefined;
  return `${await didYouMean(best)} ${rest.length > 0 ? workingCommand(best, commands[best]!, rest) : helpOf(best)}`;
}

/** `aero run --dryrun` → "Did you mean `--dry-run`? aero run --dry-run". Undefined when no option is near. */
export async function unknownOptionHint(command: string, spec: CommandSpec, argv: string[], unknown: UnknownOption): Promise<string | undefined> {
  // A single dash is a short option (or a group of them): one letter is no basis for a guess.
  if (!unknown.rawName.startsWith('--')) return undefined;
  const best = await nearest(unknown.rawName.slice(2), [...Object.keys(spec.options), ...Object.keys(GLOBAL_OPTIONS), 'help']);
  if (!best) return undefined;
  if (best === 'help') return `${await didYouMean('--help')} aero ${command} --help`;
  const fixed = [...argv];
  fixed[unknown.index] = `--${best}${unknown.inlineValue !== undefined ? `=${unknown.inlineValue}` : ''}`;
  return `${await didYouMean(`--${best}`)} ${workingCommand(command, spec, fixed)}`;
}

/** The corrected command line if it parses, else where to read what it takes. */
function workingCommand(command: string, spec: CommandSpec, argv: string[]): string {
  try {
    parseCommandArgs(command, spec, argv);
    return ['aero', command, ...argv].map(shellQuote).join(' ');
  } catch {
    return helpOf(command);
  }
}

function helpOf(command: string): string {
  return `Run \`aero ${command} --help\`.`;
}

/** As typed into a POSIX shell: plain words stay plain, anything else in single quotes. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
