import type { IO } from './io.js';

/** Error codes that mean "your input is wrong" → exit 2; everything else → 1. */
const USAGE_CODES = new Set([
  'CONFIG_NOT_FOUND', 'CONFIG_LOAD_FAILED', 'CONFIG_INVALID', 'PLUGIN_INVALID', 'PLUGIN_OPTIONS_INVALID', 'PLAN_INVALID', 'PLAN_CYCLE',
  'PLAN_MISSING_PRODUCER', 'PLAN_DUPLICATE_ACTION', 'PLAN_UNKNOWN_HANDLER', 'PLAN_INVALID_PARAMS', 'PLAN_UNKNOWN_TEMPLATE_TAG',
  'PLAN_PARTITION_MISMATCH', 'PLAN_ONLY_NO_MATCH', 'PLAN_UNKNOWN_PARAM', 'PLAN_PATH_ESCAPES', 'PLAN_PARTITION_INVALID', 'PLAN_TEMPLATE_INVALID', 'OVERRIDE_INVALID', 'RUN_NOT_FOUND', 'ACTION_NOT_FOUND',
  'ARTIFACT_NOT_FOUND', 'LAUNCHER_NOT_FOUND', 'USAGE_INVALID', 'PLAN_GPUS_UNAVAILABLE',
  'UI_PORT_IN_USE', 'UI_LISTEN_INVALID',
  'TUNE_SPACE_INVALID', 'TUNE_OBJECTIVE_UNKNOWN', 'TUNE_SAMPLER_UNSUITABLE', 'TUNE_OPTIONS_INVALID', 'TUNE_STUDY_MISMATCH', 'TUNE_STUDY_NOT_FOUND',
  'PIN_INVALID', 'PIN_UNKNOWN_OUTPUT', 'PIN_UNKNOWN_TAG', 'PIN_AMBIGUOUS', 'PIN_NOT_CONSUMED', 'PIN_PARTITIONS_MISSING', 'TAG_INVALID',
  'RERUN_SOURCE_MISSING', 'EXPORT_LAYOUT_INVALID', 'EXPORT_PATH_COLLISION',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  hint?: string;
  plugin?: string;
  format?: () => string;
}

const CONFIG_PHASE = Symbol.for('aero.cli.configPhase');

/** Marks an error raised while loading aero.config.ts: whatever its code, it is a config error (exit 2). */
export function markConfigPhase(error: unknown): unknown {
  if (error && typeof error === 'object') (error as Record<symbol, boolean>)[CONFIG_PHASE] = true;
  return error;
}

export function exitCodeFor(error: unknown): number {
  const e = error as ErrorLike;
  if (e && typeof e === 'object' && (e as Record<symbol, boolean>)[CONFIG_PHASE]) return 2;
  if (e?.code === 'INTERRUPTED') return 130;
  if (e?.code && USAGE_CODES.has(e.code)) return 2;
  // Config loaders' codes (CONFIG_YAML_*, CONFIG_INTERPOLATION_*, CONFIG_MISSING_VALUE…)
  // and any plugin's option errors are input errors too.
  if (e?.code?.startsWith('CONFIG_') || e?.code?.startsWith('OVERRIDE_') || e?.code?.endsWith('_OPTIONS_INVALID')) return 2;
  return 1;
}

/** The code of a CLI usage error (unknown command or option, a missing argument). */
export const USAGE_CODE = 'USAGE_INVALID';
/** The code printed for an error that is not an AeroError: a bug in aero or a plugin. */
export const INTERNAL_CODE = 'INTERNAL_ERROR';

interface PrintableError {
  code: string;
  message: string;
  hint?: string | undefined;
  plugin?: string | undefined;
  issues?: Array<{ code: string; message: string; hint?: string | undefined }> | undefined;
}

/** Any thrown value as code, message, hint, plugin and (for aggregates) its issues. */
export function toPrintable(error: unknown): PrintableError {
  const e = error as ErrorLike & { issues?: ErrorLike[] };
  if (e?.name === 'AeroError' && typeof e.code === 'string') {
    const issues = Array.isArray(e.issues) ? e.issues.map((i) => ({ code: String(i.code), message: String(i.message), ...(i.hint ? { hint: i.hint } : {}) })) : undefined;
    // An aggregate's message is its headline and then the issues, which are printed
    // from `issues` with their own codes instead.
    const message = issues ? String(e.message).split('\n')[0]! : String(e.message);
    return { code: e.code, message, ...(e.hint ? { hint: e.hint } : {}), ...(e.plugin ? { plugin: e.plugin } : {}), ...(issues ? { issues } : {}) };
  }
  return {
    code: INTERNAL_CODE,
    message: e?.message ?? String(error),
    hint: process.env.AERO_DEBUG ? undefined : 'This is a bug in aero or a plugin: rerun with AERO_DEBUG=1 to see the stack, and report it.',
  };
}

/**
 * `[aero] [@aeroml/store-s3] PLUGIN_OPTIONS_INVALID: Missing required option \`bucket\`.`
 * and the hint line: the code comes first so docs/errors.md can be found from it.
 */
export function formatError(error: PrintableError): string {
  const scope = error.plugin ? ` [${error.plugin}]` : '';
  const issues = (error.issues ?? []).map((i) => `\n  - ${i.code}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`).join('');
  return `[aero]${scope} ${error.code}: ${error.message}${issues}${error.hint ? `\n  hint: ${error.hint}` : ''}`;
}

/**
 * Print an error the way users read it; return its exit code. With `--json` the error is
 * also an NDJSON event on stdout (`{"type":"error","code":…}`), after any run events.
 */
export function reportError(error: unknown, io: IO, options: { json?: boolean } = {}): number {
  const printable = toPrintable(error);
  if (options.json) io.out(JSON.stringify({ type: 'error', ...printable }));
  io.err(formatError(printable));
  if (printable.code === INTERNAL_CODE && process.env.AERO_DEBUG && (error as Error)?.stack) io.err((error as Error).stack!);
  return exitCodeFor(error);
}
