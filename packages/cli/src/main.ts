import { COMMANDS, HELP, commandHelp } from './help.js';
import { parseCommandArgs, UsageError } from './args.js';
import { reportError } from './errors.js';
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
    io.err(`[aero] Unknown command \`${first}\`. Run \`aero --help\` for the list of commands.`);
    return 2;
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
    if (error instanceof UsageError) {
      io.err(`[aero] ${error.message}\n  hint: run \`aero ${first} --help\`.`);
      return 2;
    }
    return reportError(error, io);
  }
}
