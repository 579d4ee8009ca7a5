import type { IO } from './io.js';

/** Error codes that mean "your input is wrong" → exit 2; everything else → 1. */
const USAGE_CODES = new Set([
  'CONFIG_NOT_FOUND', 'CONFIG_LOAD_FAILED', 'CONFIG_INVALID', 'PLUGIN_INVALID', 'PLUGIN_OPTIONS_INVALID', 'PLAN_INVALID', 'PLAN_CYCLE',
  'PLAN_MISSING_PRODUCER', 'PLAN_DUPLICATE_ACTION', 'PLAN_UNKNOWN_HANDLER', 'PLAN_INVALID_PARAMS', 'PLAN_UNKNOWN_TEMPLATE_TAG',
  'PLAN_PARTITION_MISMATCH', 'PLAN_ONLY_NO_MATCH', 'PLAN_UNKNOWN_PARAM', 'OVERRIDE_INVALID', 'RUN_NOT_FOUND', 'ACTION_NOT_FOUND',
  'ARTIFACT_NOT_FOUND', 'LAUNCHER_NOT_FOUND',
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

/** Print an error the way users read it; return its exit code. */
export function reportError(error: unknown, io: IO): number {
  const e = error as ErrorLike;
  if (e?.name === 'AeroError' && typeof e.format === 'function') {
    io.err(e.format());
  } else {
    io.err(`[aero] ${e?.message ?? String(error)}`);
    if (process.env.AERO_DEBUG && (error as Error)?.stack) io.err((error as Error).stack!);
  }
  return exitCodeFor(error);
}
