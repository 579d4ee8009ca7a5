import { AeroError, ErrorCodes, configErrors } from '../errors.js';

/**
 * Error codes raised by the override grammar and config resolution: `OVERRIDE_INVALID`
 * from core's `ErrorCodes`, the others from the `configErrors` catalogue (errors/core-codes.ts).
 */
export const ConfigErrorCodes = {
  OVERRIDE_INVALID: ErrorCodes.OVERRIDE_INVALID,
  /** `${a.b}` names a path that does not exist. */
  CONFIG_INTERPOLATION_UNRESOLVED: configErrors.codes.CONFIG_INTERPOLATION_UNRESOLVED,
  /** `a: ${b}`, `b: ${a}`. */
  CONFIG_INTERPOLATION_CYCLE: configErrors.codes.CONFIG_INTERPOLATION_CYCLE,
  /** Malformed `${...}` or an unknown resolver. */
  CONFIG_INTERPOLATION_INVALID: configErrors.codes.CONFIG_INTERPOLATION_INVALID,
  /** `${env:VAR}` without a default and VAR unset. */
  CONFIG_ENV_MISSING: configErrors.codes.CONFIG_ENV_MISSING,
  /** A mandatory value (`???`) was never given. */
  CONFIG_MISSING_VALUE: configErrors.codes.CONFIG_MISSING_VALUE,
} as const;

export const OVERRIDE_HINT = "Overrides look like key=value, +key=value (add), ++key=value (add or replace), ~key (delete); quote values with special characters: key='a,b'.";

/** Shows the override with a caret under the column (1-based). */
export function caretLine(text: string, column: number): string {
  return `    ${text}\n    ${' '.repeat(Math.max(0, column - 1))}^`;
}

/** Grammar error: quotes the override and points at the column. */
export function overrideSyntaxError(text: string, column: number, problem: string): AeroError {
  return new AeroError(ErrorCodes.OVERRIDE_INVALID, `Invalid override \`${text}\` at column ${column}: ${problem}.\n${caretLine(text, column)}`, {
    hint: OVERRIDE_HINT,
    details: { override: text, column },
  });
}

/** Semantic error (key missing, already present...): quotes the override, says what to do. */
export function overrideApplyError(text: string, problem: string, reason: string, hint?: string, details: Record<string, unknown> = {}): AeroError {
  return new AeroError(ErrorCodes.OVERRIDE_INVALID, `Cannot apply override \`${text}\`: ${problem}`, {
    ...(hint ? { hint } : {}),
    details: { override: text, reason, ...details },
  });
}
