import { lookupError, type ExitCode } from './registry.js';
import { traceCode } from './trace.js';

/**
 * One error class for everything a user can see. `code` is permanent (docs link to it,
 * tests match it); `message` says what happened and what to do; `plugin` scopes the
 * error to the package that raised it, printed as `[aero] [@aeroml/store-s3] ...`.
 * Codes are declared in a catalogue (`defineErrors`), which gives each its exit status.
 */
export interface AeroErrorOptions {
  hint?: string;
  cause?: unknown;
  plugin?: string;
  /** Extra structured facts (paths, action names) for programmatic callers. */
  details?: Record<string, unknown>;
}

export class AeroError extends Error {
  override readonly name = 'AeroError';
  readonly code: string;
  readonly hint: string | undefined;
  readonly plugin: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** From the catalogue entry of `code`; 1 for a code no loaded package declared. */
  readonly exit: ExitCode;

  constructor(code: string, message: string, options: AeroErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.plugin = options.plugin;
    this.details = options.details;
    this.exit = lookupError(code)?.exit ?? 1;
    traceCode(code);
  }

  /** `[aero] [@aeroml/store-s3] Missing required option `bucket`.` plus the hint line. */
  format(): string {
    const scope = this.plugin ? ` [${this.plugin}]` : '';
    const hint = this.hint ? `\n  hint: ${this.hint}` : '';
    return `[aero]${scope} ${this.message}${hint}`;
  }
}

export function isAeroError(value: unknown): value is AeroError {
  return value instanceof AeroError || (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'AeroError' && typeof (value as { code?: unknown }).code === 'string');
}

/**
 * Several problems found at once (plan-time validation). Each issue keeps its own code;
 * the message lists them one per line so the user fixes everything in one go.
 */
export class AeroAggregateError extends AeroError {
  readonly issues: AeroError[];
  constructor(code: string, headline: string, issues: AeroError[], options: AeroErrorOptions = {}) {
    super(code, `${headline}\n${issues.map((i) => `  - ${i.message}${i.hint ? ` (${i.hint})` : ''}`).join('\n')}`, {
      ...options,
      details: { ...options.details, codes: issues.map((i) => i.code) },
    });
    this.issues = issues;
  }
}
