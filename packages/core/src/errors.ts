/**
 * One error class for everything a user can see. `code` is permanent (docs link to it,
 * tests match it); `message` says what happened and what to do; `plugin` scopes the
 * error to the package that raised it, printed as `[aero] [@aeroml/store-s3] ...`.
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

  constructor(code: string, message: string, options: AeroErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.plugin = options.plugin;
    this.details = options.details;
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

/** Error codes raised by @aeroml/core. Plugins define their own with their package prefix. */
export const ErrorCodes = {
  CONFIG_NOT_FOUND: 'CONFIG_NOT_FOUND',
  CONFIG_LOAD_FAILED: 'CONFIG_LOAD_FAILED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  CONFIG_PLUGIN_OPTION: 'CONFIG_PLUGIN_OPTION',
  CONFIG_UNKNOWN_KEY: 'CONFIG_UNKNOWN_KEY',
  PLUGIN_INVALID: 'PLUGIN_INVALID',
  PLUGIN_OPTIONS_INVALID: 'PLUGIN_OPTIONS_INVALID',
  PLAN_INVALID: 'PLAN_INVALID',
  PLAN_CYCLE: 'PLAN_CYCLE',
  PLAN_MISSING_PRODUCER: 'PLAN_MISSING_PRODUCER',
  PLAN_DUPLICATE_ACTION: 'PLAN_DUPLICATE_ACTION',
  PLAN_UNKNOWN_HANDLER: 'PLAN_UNKNOWN_HANDLER',
  PLAN_INVALID_PARAMS: 'PLAN_INVALID_PARAMS',
  PLAN_UNKNOWN_TEMPLATE_TAG: 'PLAN_UNKNOWN_TEMPLATE_TAG',
  PLAN_PARTITION_MISMATCH: 'PLAN_PARTITION_MISMATCH',
  PLAN_ONLY_NO_MATCH: 'PLAN_ONLY_NO_MATCH',
  PLAN_UNKNOWN_PARAM: 'PLAN_UNKNOWN_PARAM',
  PLAN_GPUS_UNAVAILABLE: 'PLAN_GPUS_UNAVAILABLE',
  PLAN_PATH_ESCAPES: 'PLAN_PATH_ESCAPES',
  PLAN_PARTITION_INVALID: 'PLAN_PARTITION_INVALID',
  PLAN_TEMPLATE_INVALID: 'PLAN_TEMPLATE_INVALID',
  OVERRIDE_INVALID: 'OVERRIDE_INVALID',
  ACTION_FAILED: 'ACTION_FAILED',
  ACTION_OUTPUT_MISSING: 'ACTION_OUTPUT_MISSING',
  ACTION_INPUT_MISSING: 'ACTION_INPUT_MISSING',
  COMMAND_FAILED: 'COMMAND_FAILED',
  COMMAND_TEMPLATE: 'COMMAND_TEMPLATE',
  HANDLER_FAILED: 'HANDLER_FAILED',
  STORE_CORRUPT: 'STORE_CORRUPT',
  STORE_NOT_FOUND: 'STORE_NOT_FOUND',
  STORE_FAILED: 'STORE_FAILED',
  RUN_NOT_FOUND: 'RUN_NOT_FOUND',
  ACTION_NOT_FOUND: 'ACTION_NOT_FOUND',
  ARTIFACT_NOT_FOUND: 'ARTIFACT_NOT_FOUND',
  LAUNCHER_FAILED: 'LAUNCHER_FAILED',
  LAUNCHER_NOT_FOUND: 'LAUNCHER_NOT_FOUND',
  TRACKER_FAILED: 'TRACKER_FAILED',
  INTERRUPTED: 'INTERRUPTED',
  JOB_SPEC_INVALID: 'JOB_SPEC_INVALID',
  /** aero tune: a search dimension that cannot be searched (empty or reversed interval, log with a bound ≤ 0). */
  TUNE_SPACE_INVALID: 'TUNE_SPACE_INVALID',
  /** aero tune: --objective names an action that is not in the pipeline. */
  TUNE_OBJECTIVE_UNKNOWN: 'TUNE_OBJECTIVE_UNKNOWN',
  /** aero tune: a trial finished without logging the objective metric (that trial fails, the study goes on). */
  TUNE_OBJECTIVE_MISSING: 'TUNE_OBJECTIVE_MISSING',
  /** aero tune: the sampler cannot search this space or this many objectives. */
  TUNE_SAMPLER_UNSUITABLE: 'TUNE_SAMPLER_UNSUITABLE',
  /** aero tune: options that do not fit together (directions, budget, pruner, study name). */
  TUNE_OPTIONS_INVALID: 'TUNE_OPTIONS_INVALID',
  /** aero tune: an existing study was started with another space, objective or sampler. */
  TUNE_STUDY_MISMATCH: 'TUNE_STUDY_MISMATCH',
  /** aero tune show: no study of that name in the store. */
  TUNE_STUDY_NOT_FOUND: 'TUNE_STUDY_NOT_FOUND',
  /** aero tune: Python or optuna (or a sampler's extra package) is missing. */
  TUNE_OPTUNA_MISSING: 'TUNE_OPTUNA_MISSING',
  /** aero tune: the Optuna bridge process failed or answered with an error. */
  TUNE_OPTUNA_FAILED: 'TUNE_OPTUNA_FAILED',
  /** aero tune: the signal a pruned trial's action sees (signal.reason), and the trial's recorded error. */
  TUNE_TRIAL_PRUNED: 'TUNE_TRIAL_PRUNED',
  /** --use / aero tag / aero export: a ref that is not `<action>.<output>[@<version>]`, or two pins of one output. */
  PIN_INVALID: 'PIN_INVALID',
  /** --use / aero tag / aero export: no such action or output in the pipeline (nearest names suggested). */
  PIN_UNKNOWN_OUTPUT: 'PIN_UNKNOWN_OUTPUT',
  /** --use / aero tag: `@x` is no tag, run or digest prefix of that artifact. */
  PIN_UNKNOWN_TAG: 'PIN_UNKNOWN_TAG',
  /** --use / aero tag: a digest or run id prefix that matches more than one version. */
  PIN_AMBIGUOUS: 'PIN_AMBIGUOUS',
  /** --use: no action reads the pinned output. */
  PIN_NOT_CONSUMED: 'PIN_NOT_CONSUMED',
  /** --use: a consumer's partition has no version in the pin. */
  PIN_PARTITIONS_MISSING: 'PIN_PARTITIONS_MISSING',
  /** aero tag: a tag name that could be read as something else (a digest prefix, `latest`). */
  TAG_INVALID: 'TAG_INVALID',
  /** aero rerun: the run has neither a complete snapshot nor a git commit to rebuild its code from. */
  RERUN_SOURCE_MISSING: 'RERUN_SOURCE_MISSING',
  /** aero export: a --layout with an unknown tag or bad syntax. */
  EXPORT_LAYOUT_INVALID: 'EXPORT_LAYOUT_INVALID',
  /** aero export: two exported files would land on the same path. */
  EXPORT_PATH_COLLISION: 'EXPORT_PATH_COLLISION',
  /** Printed by the CLI (which keeps its own copy so `--help` loads no core). */
  USAGE_INVALID: 'USAGE_INVALID',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type CoreErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
