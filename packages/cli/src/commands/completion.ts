import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import type { IO } from '../io.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

/**
 * `aero completion bash|zsh|fish` prints a completion script made from the COMMANDS table;
 * `aero completion --actions` prints the project's action names for those scripts.
 */
export default async function completion(args: ParsedArgs, io: IO): Promise<number> {
  const shell = args.positionals[0];
  if (args.values.actions) {
    if (shell) throw new UsageError(`--actions prints action names and takes no shell, got \`${shell}\`.`, { hint: `Run \`aero completion ${shell}\` for the script.` });
    for (const name of await actionNames(args)) io.out(name);
    return 0;
  }
  if (!shell) throw new UsageError('`aero completion` needs a shell: bash, zsh or fish.', { hint: 'aero completion bash > ~/.local/share/bash-completion/completions/aero' });
  if (!(SHELLS as readonly string[]).includes(shell)) {
    const { nearestNames, didYouMean } = await import('@aeroml/core');
    const near = nearestNames(shell, SHELLS, 1);
    throw new UsageError(`Unknown shell \`${shell}\`: aero completion writes scripts for bash, zsh and fish.`, { hint: near.length ? `${didYouMean(near)} aero completion ${near[0]}` : 'aero completion bash' });
  }
  const [{ COMMANDS }, { completionModel }, { version }] = await Promise.all([import('../help.js'), import('../completion/model.js'), import('../version.js')]);
  const model = completionModel(COMMANDS);
  const script =
    shell === 'bash' ? (await import('../completion/bash.js')).bashScript(model, version)
    : shell === 'zsh' ? (await import('../completion/zsh.js')).zshScript(model, version)
    : (await import('../completion/fish.js')).fishScript(model, version);
  io.raw(script);
  return 0;
}

/**
 * The action names of the project, for a completion script pressing Tab. Whatever goes
 * wrong (no project, a config that does not load) means no names, never a message: an
 * error printed in the middle of the user's command line would be worse than nothing.
 * What the config prints while it loads is dropped for the same reason.
 */
async function actionNames(args: ParsedArgs): Promise<string[]> {
  const restore = muteOutput();
  try {
    const { actionList, findConfigFile, loadConfigFile } = await import('@aeroml/core');
    const { resolve } = await import('node:path');
    const cwd = resolve(typeof args.values.cwd === 'string' ? args.values.cwd : process.cwd());
    const file = typeof args.values.config === 'string' ? resolve(cwd, args.values.config) : await findConfigFile(cwd);
    if (!file) return [];
    const config = await loadConfigFile(file);
    return [...new Set(actionList(config.actions).map((a) => a.name))];
  } catch {
    return [];
  } finally {
    restore();
  }
}

function muteOutput(): () => void {
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = (() => true) as typeof out;
  process.stderr.write = (() => true) as typeof err;
  return () => {
    process.stdout.write = out;
    process.stderr.write = err;
  };
}
