import type { MetricPoint } from '../contracts/tracker.js';
import { AeroError, ErrorCodes } from '../errors.js';
import { didYouMean, nearestNames } from '../suggest.js';

export type Direction = 'minimize' | 'maximize';
export type Reducer = 'last' | 'min' | 'max';
export const REDUCERS: readonly Reducer[] = ['last', 'min', 'max'];

/** `train.loss:min`: the metric `loss` logged by action `train`, reduced to its minimum. */
export interface Objective {
  action: string;
  metric: string;
  reducer: Reducer;
  direction: Direction;
  /** As written (`train.loss:min`), for messages. */
  text: string;
}

/**
 * Reads `--objective` values against the pipeline's action names: the action is the
 * longest action name followed by `.` (action names may hold dots, metric names too), and
 * an optional `:last|min|max` picks the reducer (default `last`). One direction each, or
 * one direction for all.
 */
export function parseObjectives(texts: readonly string[], directions: readonly string[], actionNames: readonly string[]): Objective[] {
  if (texts.length === 0) {
    throw new AeroError(ErrorCodes.TUNE_OPTIONS_INVALID, 'aero tune needs an objective: the metric a trial is scored by.', { hint: 'Pass --objective <action>.<metric>, e.g. --objective train.loss --direction minimize.' });
  }
  if (directions.length !== texts.length && !(directions.length === 1 && texts.length === 1)) {
    throw new AeroError(ErrorCodes.TUNE_OPTIONS_INVALID, `${texts.length} objective(s) but ${directions.length} direction(s): give one --direction per --objective, in the same order.`, {
      hint: `e.g. ${texts.map((t) => `--objective ${t}`).join(' ')} ${texts.map(() => '--direction minimize').join(' ')}`,
    });
  }
  return texts.map((text, i) => {
    const direction = directions[i]!;
    if (direction !== 'minimize' && direction !== 'maximize') {
      throw new AeroError(ErrorCodes.TUNE_OPTIONS_INVALID, `--direction must be minimize or maximize, got \`${direction}\`. ${didYouMean(nearestNames(direction, ['minimize', 'maximize']))}`.trim(), {
        hint: 'Pass --direction minimize or --direction maximize.',
      });
    }
    let body = text;
    let reducer: Reducer = 'last';
    const colon = text.lastIndexOf(':');
    if (colon > 0) {
      const r = text.slice(colon + 1);
      if (!(REDUCERS as readonly string[]).includes(r)) {
        throw new AeroError(ErrorCodes.TUNE_OPTIONS_INVALID, `Unknown reducer \`${r}\` in --objective ${text} (known: ${REDUCERS.join(', ')}). ${didYouMean(nearestNames(r, REDUCERS))}`.trim(), {
          hint: `Write --objective ${text.slice(0, colon)}:min, :max or :last (the default).`,
        });
      }
      reducer = r as Reducer;
      body = text.slice(0, colon);
    }
    const action = [...actionNames].sort((a, b) => b.length - a.length).find((a) => body.startsWith(`${a}.`) && body.length > a.length + 1);
    const bare = body.endsWith('.') ? body.slice(0, -1) : body;
    if (!action && actionNames.includes(bare)) {
      // `--objective evaluate`: the action exists, the metric is missing.
      throw new AeroError(ErrorCodes.TUNE_OBJECTIVE_UNKNOWN, `--objective ${text} names the action \`${bare}\` but no metric: an objective is ACTION.METRIC, e.g. --objective ${bare}.<metric>.`, {
        hint: `Write --objective ${bare}.<metric>${reducer !== 'last' ? `:${reducer}` : ''}, where <metric> is a name \`${bare}\` logs with log.metric('<metric>', value).`,
        details: { objective: text, action: bare },
      });
    }
    if (!action) {
      const guess = body.includes('.') ? body.slice(0, body.indexOf('.')) : body;
      const near = nearestNames(guess, actionNames);
      throw new AeroError(ErrorCodes.TUNE_OBJECTIVE_UNKNOWN, `--objective ${text}: the pipeline has no action \`${guess}\` (actions: ${actionNames.join(', ')}). ${didYouMean(near)}`.trim(), {
        hint: `Write --objective <action>.<metric>, e.g. --objective ${near[0] ?? actionNames[0] ?? 'train'}.${body.includes('.') ? body.slice(body.indexOf('.') + 1) : 'loss'}.`,
        details: { objective: text, suggestions: near },
      });
    }
    return { action, metric: body.slice(action.length + 1), reducer, direction, text };
  });
}

/**
 * The objective's value from an instance's metric points (in the order they were logged),
 * or undefined when it never logged the metric. `last` is the value at the highest step,
 * the later one of a step logged twice: the value the run record, `aero show` and the UI
 * give as the metric's last.
 */
export function reduceMetric(points: readonly MetricPoint[], objective: Objective): number | undefined {
  const mine = points.filter((p) => p.name === objective.metric);
  if (mine.length === 0) return undefined;
  const values = mine.map((p) => p.value);
  if (objective.reducer === 'min') return Math.min(...values);
  if (objective.reducer === 'max') return Math.max(...values);
  return mine.reduce((last, p) => (p.step >= last.step ? p : last)).value;
}
