import { AeroAggregateError, type AeroError, ErrorCodes } from './errors.js';

/** Plan problems as one error: the problem itself when alone, else all of them listed (DESIGN: plan before run). */
export function aggregate(issues: AeroError[]): AeroError {
  if (issues.length === 1) return issues[0]!;
  return new AeroAggregateError(ErrorCodes.PLAN_INVALID, `The pipeline has ${issues.length} problems; nothing was run:`, issues, {
    hint: 'Fix them all and run again.',
  });
}
