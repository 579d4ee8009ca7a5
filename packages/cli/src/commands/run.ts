import type { ParsedArgs } from '../args.js';
import { intOption, listOption, selectorOption, UsageError } from '../args.js';
import type { IO } from '../io.js';
import { twoStageInterrupt } from '../interrupt.js';
import { openProject } from '../project.js';
import { overridesFromRun, warnParamDrift } from '../from-run.js';
import { createReporter } from '../reporter.js';
import { planEveryCombination } from '../sweep-check.js';

/**
 * Words a run reference (`aero show RUN`, `--from RUN`, `--use A.O@RUN`) reads as something
 * else than a run's name (core's getRun): a run named so could never be found by its name.
 */
const RESERVED_RUN_NAMES = ['latest'];

export default async function run(args: ParsedArgs, io: IO): Promise<number> {
  if (typeof args.values.name === 'string') refuseRunName(args.values.name);
  const core = await import('@aeroml/core');
  const given = args.positionals;
  let overrides = given;
  let fromRecord: Awaited<ReturnType<typeof core.getRun>> | undefined;
  if (typeof args.values.from === 'string') ({ record: fromRecord, overrides } = await overridesFromRun(core, args, io, args.values.from, given));
  const combos = args.values.multirun ? core.expandSweep(overrides) : [overrides];
  const sweepId = args.values.multirun ? `sweep-${core.newRunId()}` : undefined;
  const concurrency = intOption('jobs', args.values.jobs);
  let gpus: string[] | undefined;
  if (typeof args.values.gpus === 'string') {
    gpus = core.parseGpusOption(args.values.gpus);
    if (!gpus) throw new UsageError(`--gpus needs a count (\`--gpus 2\`) or device ids (\`--gpus 0,3\`), got \`${args.values.gpus}\`.`);
    const twice = gpus.find((id, i) => gpus!.indexOf(id) !== i);
    // One device listed twice would be handed to two instances as if it were two.
    if (twice !== undefined) throw new UsageError(`--gpus lists device \`${twice}\` more than once (\`${args.values.gpus}\`).`, { hint: `List each device once, e.g. --gpus ${[...new Set(gpus)].join(',')}` });
  }
  if (combos.length > 1) await planEveryCombination(args, combos, selectorOption(args.values.only), io);
  const tags = Object.fromEntries(listOption(args.values.tag).map((t) => [t.split('=')[0]!, t.split('=').slice(1).join('=')]));

  // First Ctrl-C: stop scheduling, cancel running jobs, record what finished.
  // Second Ctrl-C: leave immediately.
  const interrupt = twoStageInterrupt(io, '\n[aero] Interrupted: cancelling running actions (Ctrl-C again to quit now).');
  // A promise an inline action did not await that rejects would end the process mid-run
  // (Node's default): the run is stopped as Ctrl-C stops it, and the error reported.
  let unhandled: unknown;
  const onUnhandled = (reason: unknown) => {
    if (unhandled === undefined) {
      unhandled = reason ?? new Error(String(reason));
      io.err('\n[aero] A promise rejected and nothing handled it: stopping the run (what finished is recorded).');
    }
    interrupt.abort();
  };
  process.on('unhandledRejection', onUnhandled);
  let exitCode = 0;
  let first: Awaited<ReturnType<typeof openProject>> | undefined;
  try {
    for (const [i, combo] of combos.entries()) {
      if (interrupt.signal.aborted) break;
      if (sweepId && !args.values.json) io.out(`[sweep ${i + 1}/${combos.length}] ${combo.join(' ')}`);
      const aero = await openProject(args, combo, first);
      if (fromRecord && !first) warnParamDrift(core, args, io, fromRecord, aero.params, given);
      first ??= aero;
      const off = aero.on(createReporter(io, { json: Boolean(args.values.json) }));
      try {
        const summary = await aero.run({
          only: selectorOption(args.values.only),
          dryRun: Boolean(args.values['dry-run']),
          force: Boolean(args.values.force),
          dev: Boolean(args.values.dev),
          keepGoing: Boolean(args.values['keep-going']),
          ...(listOption(args.values.use).length ? { use: listOption(args.values.use) } : {}),
          signal: interrupt.signal,
          ...(concurrency ? { concurrency } : {}),
          ...(gpus ? { gpus } : {}),
          ...(typeof args.values.launcher === 'string' ? { launcher: args.values.launcher } : {}),
          ...(typeof args.values.name === 'string' ? { name: sweepId ? `${args.values.name}-${i}` : args.values.name } : {}),
          ...(sweepId ? { sweepId, tags: { ...tags, sweep: sweepId } } : { tags }),
        });
        if (summary.status === 'interrupted') exitCode = 130;
        else if (summary.status === 'failed' && exitCode === 0) exitCode = 1;
      } finally {
        off();
        await aero.close();
      }
    }
  } finally {
    interrupt.release();
    process.off('unhandledRejection', onUnhandled);
  }
  if (unhandled !== undefined) {
    const reason = unhandled instanceof Error ? `${unhandled.message}${firstFrame(unhandled)}` : String(unhandled);
    throw new core.AeroError(core.ErrorCodes.ACTION_UNHANDLED_REJECTION, `A promise rejected and nothing handled it: ${reason}. The run was stopped.`, {
      hint: 'Await every promise in run() (or give it a .catch); run again: what finished is cached.',
      cause: unhandled,
    });
  }
  return interrupt.signal.aborted ? 130 : exitCode;
}

/** ` (at aero.config.ts:3:5)`: where an error was made, from the first frame of its stack. */
function firstFrame(error: Error): string {
  const frame = error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  const where = frame && /\(?([^()\s]+:\d+:\d+)\)?$/.exec(frame.trim())?.[1];
  return where ? ` (at ${where.replace(/^file:\/\//, '')})` : '';
}

function refuseRunName(name: string): void {
  if (name.trim() === '') throw new UsageError('`--name` needs a name for the run, got an empty one.', { hint: 'Give one, e.g. `--name baseline`, or leave --name out: the run is then known by its id.' });
  // A name that reads as the start of a run id (`2026`, `20261207-1`) would win over the
  // runs it prefixes: `aero show 2026` would open this run instead of saying which match.
  if (/^\d{1,8}$|^\d{8}-\d{0,6}$|^\d{8}-\d{6}-[0-9a-f]{0,6}$/.test(name)) {
    throw new UsageError(`\`--name ${name}\` cannot name a run: it reads as the start of a run id (YYYYMMDD-HHMMSS-xxxxxx), so \`aero show ${name}\` could not tell it from the runs whose ids start so.`, {
      hint: 'Pick a name that does not look like a run id, e.g. `--name baseline` or `--name run-2026`.',
    });
  }
  if (RESERVED_RUN_NAMES.includes(name)) {
    throw new UsageError(`\`--name ${name}\` cannot name a run: \`${name}\` already means the newest run (\`aero show ${name}\`), so this run could never be found by its name.`, {
      hint: 'Pick another name, e.g. `--name baseline`, or leave --name out: the run is then known by its id.',
    });
  }
}
