import { COMMANDS, HELP, commandHelp } from './help.js';
import { parseCommandArgs, UnknownOptionError, UsageError } from './args.js';
import { reportError, USAGE_CODE } from './errors.js';
import { createIO } from './io.js';

export async function main(argv: string[]): Promise<number> {
  const io = createIO();
  const [first, ...rest] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0] && COMMANDS[rest[0]]) io.out(commandHelp(rest[0]));
    else io.out(HELP);
    return 0;
  }
  if (first === '--version' || first === '-v') {
    const { version } = await import('./version.js');
    io.out(version);
    return 0;
  }
  const spec = COMMANDS[first];
  if (!spec) {
    const { unknownCommandHint } = await import('./did-you-mean.js');
    const hint = (await unknownCommandHint(first, rest, COMMANDS)) ?? `Run \`aero --help\` for the list of commands.`;
    return reportError({ name: 'AeroError', code: USAGE_CODE, message: `Unknown command \`${first}\`.`, hint }, io, { json: rest.includes('--json') });
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(first));
    return 0;
  }
  try {
    const args = parseCommandArgs(first, spec, rest);
    const command = await spec.load();
    return await command(args, io);
  } catch (error) {
    const json = rest.includes('--json');
    if (error instanceof UsageError) {
      const suggested = error instanceof UnknownOptionError && error.unknown ? await (await import('./did-you-mean.js')).unknownOptionHint(first, spec, rest, error.unknown) : undefined;
      return reportError({ name: 'AeroError', code: USAGE_CODE, message: error.message, hint: suggested ?? error.hint ?? `Run \`aero ${first} --help\`.` }, io, { json });
    }
    return reportError(error, io, { json });
  }
}
