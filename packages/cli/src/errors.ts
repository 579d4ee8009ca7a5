import type { IO } from './io.js';

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  hint?: string;
  plugin?: string;
  format?: () => string;
  exit?: unknown;
}

/** The same process-wide table `defineErrors` fills in @aeroml/core (errors/registry.ts), read without loading core. */
const REGISTRY = Symbol.for('aero.errors.registry');

function catalogueExit(code: string): number | undefined {
  const registry = (globalThis as unknown as Record<symbol, Map<string, { exit: number }> | undefined>)[REGISTRY];
  return registry?.get(code)?.exit;
}

function isExitCode(value: unknown): value is 1 | 2 | 130 {
  return value === 1 || value === 2 || value === 130;
}

const CONFIG_PHASE = Symbol.for('aero.cli.configPhase');

/** Marks an error raised while loading aero.config.ts: whatever its code, it is a config error (exit 2). */
export function markConfigPhase(error: unknown): unknown {
  if (error && typeof error === 'object') (error as Record<symbol, boolean>)[CONFIG_PHASE] = true;
  return error;
}

/**
 * The exit status of a thrown value: the `exit` of its code's catalogue entry (every
 * package declares its codes with `defineErrors`), so 2 for input the user can fix, 1 for
 * a failure, 130 when interrupted. A config-phase error is a config error whatever its code.
 */
export function exitCodeFor(error: unknown): number {
  const e = error as ErrorLike;
  if (e && typeof e === 'object' && (e as Record<symbol, boolean>)[CONFIG_PHASE]) return 2;
  if (typeof e?.code !== 'string') return 1;
  const fromCatalogue = catalogueExit(e.code);
  if (fromCatalogue !== undefined) return fromCatalogue;
  if (isExitCode(e.exit)) return e.exit;
  // The CLI reports its own usage errors before (or without) loading core, whose
  // catalogue declares USAGE_INVALID with exit 2 (test/exit-codes.test.ts checks that).
  if (e.code === USAGE_CODE) return 2;
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
