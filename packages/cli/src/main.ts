import { COMMANDS, HELP, commandHelp } from './help.js';
import { leadingOptions, parseCommandArgs, parseGlobalOptions, UnknownOptionError, UsageError } from './args.js';
import { reportError, USAGE_CODE } from './errors.js';
import { createIO, type IO } from './io.js';
import { useCliLogger } from './logger.js';

/** Commands whose positional arguments are param overrides (`aero tune` builds its own hints). */
const OVERRIDE_COMMANDS = new Set(['run', 'why', 'tune']);

export async function main(argv: string[]): Promise<number> {
  const io = createIO();
  const json = argv.includes('--json');
  // The options for every command may come before the command name too: aero -C t --json ps.
  const lead = leadingOptions(argv);
  if (argv.length === 0 || lead.help) {
    io.out(HELP);
    return 0;
  }
  if (lead.version) {
    const { version } = await import('./version.js');
    io.out(version);
    return 0;
  }
  if (lead.unknown) {
    const { leadingOptionHint } = await import('./did-you-mean.js');
    const hint = await leadingOptionHint(argv, lead.unknown, COMMANDS);
    return usage(io, `Unknown option '${lead.unknown.rawName}' before the command name.`, hint, json);
  }
  const first = argv[lead.index];
  // The words typed before the command name, then those after it: parsed as one argv.
  const rest = [...argv.slice(0, lead.index), ...argv.slice(lead.index + 1)];
  if (first === undefined) {
    try {
      parseGlobalOptions(argv);
    } catch (error) {
      return usage(io, (error as Error).message, `Run \`aero --help\`.`, json);
    }
    return usage(io, `No command after \`${argv.join(' ')}\`.`, `Run \`aero --help\` for the list of commands.`, json);
  }
  if (first === 'help') {
    // aero help [COMMAND]: a command that does not exist is refused as `aero COMMAND` is.
    const topic = argv.slice(lead.index + 1).find((word) => !word.startsWith('-'));
    if (topic === undefined) io.out(HELP);
    else if (Object.hasOwn(COMMANDS, topic)) io.out(commandHelp(topic));
    else return unknownCommand(io, topic, [], 0, json);
    return 0;
  }
  const spec = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!spec) return unknownCommand(io, first, rest, lead.index, json);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(first));
    return 0;
  }
  try {
    const args = parseCommandArgs(first, spec, rest);
    useCliLogger(io, { json: Boolean(args.values.json) });
    const command = await spec.load();
    return await command(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const suggested = error instanceof UnknownOptionError && error.unknown ? await (await import('./did-you-mean.js')).unknownOptionHint(first, spec, rest, error.unknown, lead.index) : undefined;
      return usage(io, error.message, suggested ?? error.hint ?? `Run \`aero ${first} --help\`.`, json);
    }
    if (OVERRIDE_COMMANDS.has(first)) {
      const rebuilt = await (await import('./did-you-mean.js')).overrideHint(first, spec, rest, lead.index, error);
      if (rebuilt) return reportError(rebuilt, io, { json });
    }
    return reportError(error, io, { json });
  }
}

function usage(io: IO, message: string, hint: string, json: boolean): number {
  return reportError({ name: 'AeroError', code: USAGE_CODE, message, hint }, io, { json });
}

async function unknownCommand(io: IO, word: string, rest: string[], lead: number, json: boolean): Promise<number> {
  const { unknownCommandHint } = await import('./did-you-mean.js');
  const hint = (await unknownCommandHint(word, rest, COMMANDS, lead)) ?? `Run \`aero --help\` for the list of commands.`;
  return usage(io, `Unknown command \`${word}\`.`, hint, json);
}
