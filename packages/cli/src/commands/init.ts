import { relative, resolve } from 'node:path';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import type { IO } from '../io.js';

/**
 * `aero init`: the create-aeroml templates, written into an existing folder. Unlike
 * `npm create aeroml` the folder may hold other files, but none the template writes.
 */
export default async function init(args: ParsedArgs, io: IO): Promise<number> {
  const v = args.values;
  if (v.install && v['no-install']) throw new UsageError('--install and --no-install contradict each other.');
  const create = await import('create-aeroml');
  const cwd = resolve(typeof v.cwd === 'string' ? v.cwd : process.cwd());
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const raw = { dir: '.', template: str(v.template), pluginKind: str(v['plugin-kind']), name: str(v.name), install: v.install ? true : v['no-install'] ? false : undefined };
  try {
    const interactive = !v.yes && Boolean(process.stdin.isTTY && process.stdout.isTTY);
    const answered = interactive ? await create.promptChoices(raw, { askDir: false, cwd }) : raw;
    const choices = create.completeChoices(answered, { useDefaults: Boolean(v.yes), dirRequired: false, cwd });
    const result = await create.scaffold(create.scaffoldOptionsFrom(choices, { fromTarballs: str(v['from-tarballs']), target: 'existing' }));
    io.out(`Created ${result.name} (${result.template}${result.pluginKind ? ` ${result.pluginKind}` : ''}) in ${relative(process.cwd(), result.dir) || '.'}: ${result.files.join(', ')}.`);
    if (result.packageJson) {
      const { added, kept } = result.packageJson;
      io.out(`package.json: ${added.length ? `added ${added.join(', ')}` : 'nothing to add'}${kept.length ? `; kept your ${kept.join(', ')} (the template has another value)` : ''}.`);
    }
    if (choices.install) await create.installDependencies(result.dir);
    io.out(`\nNext:\n  ${choices.install ? '' : 'npm install && '}${result.firstCommand}`);
    return 0;
  } catch (error) {
    if (create.isCreateError(error)) {
      io.err(error.format('[aero] [create-aeroml]'));
      return error.exitCode;
    }
    throw error;
  }
}
