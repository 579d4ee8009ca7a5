import type { ParsedArgs } from './args.js';
import { shellQuote } from './did-you-mean.js';
import type { IO } from './io.js';
import { openProject } from './project.js';

type Core = typeof import('@aeroml/core');
type RunRecord = Awaited<ReturnType<Core['getRun']>>;

/**
 * `aero run --from RUN`: RUN's recorded overrides, then the command line's. What it replays
 * is the command line RUN was started with, on today's code and config; a warning says when
 * that is not RUN again (code that differs: code-drift; a config that resolves to other
 * params: paramDrift).
 */
export async function overridesFromRun(core: Core, args: ParsedArgs, io: IO, ref: string, given: string[]): Promise<{ record: RunRecord; overrides: string[] }> {
  const previous = await openProject(args);
  try {
    const record = await core.getRun(previous, ref);
    const drift = await core.codeDriftSince(previous, record);
    if (drift.length > 0) {
      const list = drift.map((d) => `\`${d.action}\`${d.files.length ? ` (${d.files.join(', ')})` : ''}`).join(', ');
      warn(io, args, `--from ${record.id} replays that run's overrides on today's code, which differs for ${list}. To run it exactly as it was (its code, params and input versions): aero rerun ${record.id}; to see what changed: aero why ${drift[0]!.action}`);
    }
    return { record, overrides: [...record.overrides, ...given] };
  } finally {
    await previous.close();
  }
}

/**
 * The params RUN recorded that today's config (with RUN's overrides) resolves otherwise,
 * except those the command line sets on purpose: said, with the overrides that set them
 * back when each one can be written as one.
 */
export function warnParamDrift(core: Core, args: ParsedArgs, io: IO, record: RunRecord, params: Record<string, unknown>, given: string[]): void {
  const setHere = given.flatMap((text) => {
    try {
      return [core.parseOverride(text).key];
    } catch {
      return [];
    }
  });
  const changes = core.valueChanges(record.params, params, '').filter((c) => !setHere.some((key) => c.path === key || c.path.startsWith(`${key}.`)));
  if (changes.length === 0) return;
  const shown = changes.slice(0, 5).map((c) => `${c.path} ${show(core, c.before)} → ${show(core, c.after)}`).join(', ') + (changes.length > 5 ? ` and ${changes.length - 5} more` : '');
  const exactly = `run it exactly as it was (its code and config): aero rerun ${record.id}`;
  const next = changes.every((c) => c.before !== undefined && c.after !== undefined && writable(core, c.before))
    ? `To run with that run's params, set them: aero run --from ${record.id} ${[...given, ...changes.map((c) => `${c.path}=${core.formatOverrideValue(c.before as never)}`)].map(shellQuote).join(' ')}; to ${exactly}`
    : `To ${exactly}`;
  warn(io, args, `--from ${record.id} replays that run's overrides, but today's config resolves other params than it recorded: ${shown}. ${next}`);
}

function warn(io: IO, args: ParsedArgs, message: string): void {
  if (args.values.json) io.out(JSON.stringify({ type: 'warning', message }));
  else io.err(`[aero] warning: ${message}`);
}

function show(core: Core, value: unknown): string {
  return value === undefined ? '(unset)' : writable(core, value) ? core.formatOverrideValue(value as never) : JSON.stringify(value);
}

/** Whether the override syntax writes `value` back as itself (parse(format(v)) = v). */
function writable(core: Core, value: unknown): boolean {
  try {
    const text = core.formatOverrideValue(value as never);
    return core.canonicalJson(core.parseOverride(`k=${text}`).value ?? null) === core.canonicalJson(value);
  } catch {
    return false;
  }
}
