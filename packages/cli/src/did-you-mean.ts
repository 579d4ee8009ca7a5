import { GLOBAL_OPTIONS, leadingOptions, parseCommandArgs, positionalIndexes, type CommandSpec, type UnknownOption } from './args.js';

// Only on the error path: the core's suggestion helper (fastest-levenshtein) loads when a
// name was mistyped, so `aero --help` and every correct command line never pay for it.
async function nearest(word: string, candidates: string[]): Promise<string | undefined> {
  return (await nearestNames(word, candidates, 1))[0];
}

/** The names nearest to `word` (edit distance, best first): what every did-you-mean of the CLI offers. */
export async function nearestNames(word: string, candidates: Iterable<string>, limit = 3): Promise<string[]> {
  return (await import('@aeroml/core')).nearestNames(word, candidates, limit);
}

/** "Did you mean `a`?" / "Did you mean `a` or `b`?"; empty when there is nothing to suggest. */
export async function didYouMean(names: string | readonly string[]): Promise<string> {
  return (await import('@aeroml/core')).didYouMean(typeof names === 'string' ? [names] : names);
}

/**
 * `aero rn --dry-run` → "Did you mean `run`? aero run --dry-run": the corrected command
 * line when it parses. A bare `aero lineag` gets the command's help instead, since
 * `aero lineage` alone fails (it needs an artifact). Undefined when no command is near.
 * The first `lead` words of `rest` were typed before the command name (`aero -C t rn`)
 * and stay there in the corrected line.
 */
export async function unknownCommandHint(word: string, rest: string[], commands: Record<string, CommandSpec>, lead = 0): Promise<string | undefined> {
  const best = await nearest(word, Object.keys(commands));
  if (!best) return undefined;
  return `${await didYouMean(best)} ${rest.length > lead ? workingCommand(best, commands[best]!, rest, lead) : helpOf(best)}`;
}

/** `aero run --dryrun` → "Did you mean `--dry-run`? aero run --dry-run". Undefined when no option is near. */
export async function unknownOptionHint(command: string, spec: CommandSpec, argv: string[], unknown: UnknownOption, lead = 0): Promise<string | undefined> {
  // A single dash is a short option (or a group of them): one letter is no basis for a guess.
  if (!unknown.rawName.startsWith('--')) return undefined;
  const best = await nearest(unknown.rawName.slice(2), [...Object.keys(spec.options), ...Object.keys(GLOBAL_OPTIONS), 'help']);
  if (!best) return undefined;
  if (best === 'help') return `${await didYouMean('--help')} aero ${command} --help`;
  const fixed = [...argv];
  fixed[unknown.index] = `--${best}${unknown.inlineValue !== undefined ? `=${unknown.inlineValue}` : ''}`;
  return `${await didYouMean(`--${best}`)} ${workingCommand(command, spec, fixed, lead)}`;
}

/**
 * An option before the command name that is not one for every command: `aero --dry-run run`
 * (an option of `run`: the hint moves it after the command), `aero --jsno ps` (the nearest
 * option for every command), or anything else (what may come before the command).
 */
export async function leadingOptionHint(argv: string[], unknown: UnknownOption, commands: Record<string, CommandSpec>): Promise<string> {
  const at = argv.findIndex((word, i) => i > unknown.index && Object.hasOwn(commands, word));
  const command = at < 0 ? undefined : argv[at]!;
  const spec = command === undefined ? undefined : commands[command]!;
  const long = unknown.rawName.startsWith('--');
  const own = spec && (long ? Object.hasOwn(spec.options, unknown.rawName.slice(2)) : Object.values(spec.options).some((o) => o.short === unknown.rawName.slice(1)));
  if (command && spec && own) {
    // Before the option, after it up to the command (its value), after the command.
    const rest = [...argv.slice(0, unknown.index), ...argv.slice(unknown.index, at), ...argv.slice(at + 1)];
    return `\`${unknown.rawName}\` is an option of \`aero ${command}\`, not one for every command: it goes after the command name. ${workingCommand(command, spec, rest, unknown.index)}`;
  }
  const best = long ? await nearest(unknown.rawName.slice(2), [...Object.keys(GLOBAL_OPTIONS), 'help', 'version']) : undefined;
  if (best === 'help' || best === 'version') return `${await didYouMean(`--${best}`)} aero --${best}`;
  if (best) {
    const fixed = [...argv];
    fixed[unknown.index] = `--${best}${unknown.inlineValue !== undefined ? `=${unknown.inlineValue}` : ''}`;
    const lead = leadingOptions(fixed);
    const name = fixed[lead.index];
    const corrected = !lead.unknown && name !== undefined && Object.hasOwn(commands, name) ? workingCommand(name, commands[name]!, [...fixed.slice(0, lead.index), ...fixed.slice(lead.index + 1)], lead.index) : `Run \`aero --help\`.`;
    return `${await didYouMean(`--${best}`)} ${corrected}`;
  }
  const globals = Object.entries(GLOBAL_OPTIONS).map(([name, o]) => `${o.short ? `-${o.short}/` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`);
  return `Before the command name go only the options for every command (${globals.join(', ')}); a command's own options go after its name. Run \`aero --help\`.`;
}

interface IssueLike {
  code?: unknown;
  message?: unknown;
  hint?: unknown;
  details?: { path?: unknown; origin?: unknown; suggestions?: unknown; bestInParams?: unknown; override?: unknown; fixed?: unknown };
}

/** What reportError prints: an error with its hint (and its issues' hints) rebuilt. */
export interface RebuiltError {
  name: 'AeroError';
  code: string;
  message: string;
  hint?: string;
  plugin?: string;
  issues?: Array<{ code: string; message: string; hint?: string }>;
}

/**
 * PLAN_UNKNOWN_PARAM for an override typed on this command line: the core builds its hint
 * without the command line (`aero run +fit.lr=3`, whatever the command and the other
 * arguments). Rebuilt from argv: the same command and arguments with the key corrected,
 * `aero why fit fit.lr=3`, `aero run fit.lr=0.01 --dry-run`. Also for each such issue of
 * a PLAN_INVALID. Undefined when there is nothing to rebuild (keep the error as it is).
 */
export async function overrideHint(command: string, spec: CommandSpec, argv: string[], lead: number, error: unknown): Promise<RebuiltError | undefined> {
  const e = error as IssueLike & { name?: unknown; plugin?: unknown; issues?: IssueLike[] };
  if (e?.name !== 'AeroError' || typeof e.code !== 'string' || typeof e.message !== 'string') return undefined;
  let positions: number[];
  try {
    positions = positionalIndexes(spec, argv);
  } catch {
    return undefined;
  }
  const base = { name: 'AeroError' as const, code: e.code, message: e.message, ...(typeof e.plugin === 'string' ? { plugin: e.plugin } : {}) };
  if (e.code === 'PLAN_UNKNOWN_PARAM') {
    const fix = await fixOf(e, argv, positions);
    if (!fix) return undefined;
    return { ...base, hint: fix.fixed ? `${fix.dym} ${workingCommand(command, spec, fix.fixed, lead)}` : `${fix.dym} Fix the override that sets \`${fix.path}\`.` };
  }
  if (e.code === 'OVERRIDE_INVALID') return fixedOverride(command, spec, argv, lead, positions, base, e.details);
  if (!Array.isArray(e.issues) || e.issues.length === 0) return undefined;
  // Every issue fixed on the command line: the aggregate's hint is the corrected command line.
  const all = [...argv];
  let everyOne = true;
  let changed = false;
  const issues: NonNullable<RebuiltError['issues']> = [];
  for (const issue of e.issues) {
    const printable = { code: String(issue.code), message: String(issue.message), ...(typeof issue.hint === 'string' ? { hint: issue.hint } : {}) };
    const fix = issue.code === 'PLAN_UNKNOWN_PARAM' ? await fixOf(issue, argv, positions) : undefined;
    if (!fix?.fixed) everyOne = false;
    if (!fix) {
      issues.push(printable);
      continue;
    }
    changed = true;
    const fixed = fix.fixed;
    if (fixed) for (const i of fix.indexes) all[i] = fixed[i]!;
    issues.push({ ...printable, hint: fixed ? `${fix.dym} Write ${fix.indexes.map((i) => `\`${fixed[i]!}\``).join(' ')}.` : `${fix.dym} Fix the override that sets \`${fix.path}\`.` });
  }
  if (!changed) return undefined;
  const hint = everyOne ? `Fix them all: ${workingCommand(command, spec, all, lead)}` : typeof e.hint === 'string' ? e.hint : undefined;
  return { ...base, ...(hint ? { hint } : {}), issues };
}

/**
 * OVERRIDE_INVALID for a key the config does not have (a config loader's struct mode, as
 * config-yaml's): the core names the corrected override (`details.fixed`); put back into
 * the command line it typed, it is the hint (`aero why fit fit.lr=3`, flags kept).
 */
async function fixedOverride(command: string, spec: CommandSpec, argv: string[], lead: number, positions: number[], base: RebuiltError, details: IssueLike['details']): Promise<RebuiltError | undefined> {
  const { override, fixed } = details ?? {};
  if (typeof override !== 'string' || typeof fixed !== 'string') return undefined;
  const at = positions.filter((i) => argv[i] === override);
  if (at.length === 0) return undefined;
  const all = [...argv];
  for (const i of at) all[i] = fixed;
  const subject = fixed.startsWith('~') || !fixed.includes('=') ? fixed : fixed.slice(0, fixed.indexOf('='));
  return { ...base, hint: `${await didYouMean([subject])} ${workingCommand(command, spec, all, lead)}` };
}

/** The argv with the override of one unknown key corrected, and where; undefined when the key did not come from the command line. */
async function fixOf(issue: IssueLike, argv: string[], positions: number[]): Promise<{ dym: string; path: string; fixed?: string[]; indexes: number[] } | undefined> {
  const { path, origin, suggestions, bestInParams } = issue.details ?? {};
  if (typeof path !== 'string' || origin !== '<cli>' || !Array.isArray(suggestions) || suggestions.length === 0) return undefined;
  const best = String(suggestions[0]);
  const dym = await didYouMean(suggestions.map(String));
  // Whether `best` is in the params tree (core says so for a scalar set on the command line).
  const inParams = typeof bestInParams === 'boolean' ? bestInParams : undefined;
  const fixed = [...argv];
  const indexes: number[] = [];
  for (const i of positions) {
    const m = /^(\+\+|\+|~)?([^=]+)(=.*)?$/s.exec(argv[i]!);
    if (!m || m[2] !== path || m[1] === '~' || m[3] === undefined) continue;
    const typed = m[1] ?? '';
    // `+` adds a key that is not in the params: dropped when the corrected key is there (it
    // would be refused as already present). Otherwise the prefix typed stays: a plain
    // `key=value` reached the planner, so it may add keys (no config loader); `++` always may.
    let prefix = typed;
    if (inParams === true) prefix = '';
    else if (inParams === undefined && typed === '+') return { dym, path, indexes: [] };
    fixed[i] = `${prefix}${best}${m[3]}`;
    indexes.push(i);
  }
  return indexes.length > 0 ? { dym, path, fixed, indexes } : { dym, path, indexes };
}

/**
 * The corrected command line if it parses, else where to read what it takes. The first
 * `lead` words of argv were typed before the command name and are printed there.
 */
function workingCommand(command: string, spec: CommandSpec, argv: string[], lead = 0): string {
  try {
    parseCommandArgs(command, spec, argv);
    return ['aero', ...argv.slice(0, lead), command, ...argv.slice(lead)].map(shellQuote).join(' ');
  } catch {
    return helpOf(command);
  }
}

function helpOf(command: string): string {
  return `Run \`aero ${command} --help\`.`;
}

/** As typed into a POSIX shell: plain words stay plain, anything else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
