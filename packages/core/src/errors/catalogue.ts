import { AeroError, type AeroErrorOptions } from './aero-error.js';
import { registerEntry, type ErrorEntry, type ExitCode } from './registry.js';

/** How a package declares one of its codes. */
export interface ErrorSpec<P extends object = Record<string, never>> {
  /** One line: when this error happens (docs/errors.md's "when"). */
  title: string;
  /**
   * The message from the facts of one occurrence; it says what happened and what to do. A
   * string is a message without facts: for a code raised with `create`, the sample of its
   * shape that docs/errors.md shows.
   */
  message: ((params: P) => string) | string;
  /** What to do, printed after the message; a command in it must be one that works. */
  hint?: string;
  /** 2: input the user can fix (usage, config, plan); 1: something failed; 130: interrupted. */
  exit: ExitCode;
  /** The anchor in docs/errors.md; defaults to the code in lower case. */
  docs?: string;
  /** Markdown shown under the code in docs/errors.md. */
  details?: string;
}

/**
 * A row of a catalogue kept as data (a package's `src/errors.json`): JSON has no literal
 * types, so `exit` is any number here and is checked when the catalogue is defined.
 */
export interface ErrorRow extends Omit<ErrorSpec, 'message' | 'exit'> {
  message: string;
  exit: number;
}

export interface CatalogueOptions {
  /** The package that raises these codes, printed as `[aero] [<plugin>] CODE: …`. */
  plugin: string;
  /** The heading in docs/errors.md; defaults to the package name. */
  section?: string;
  /** Markdown printed under the section heading. */
  intro?: string;
  /** Whether errors built from this catalogue print the plugin scope (core's do not). */
  scoped?: boolean;
}

type ParamsOf<S> = S extends { message: string } ? Record<string, never> : S extends ErrorSpec<infer P> ? P : never;

/** `{ CODE: 'CODE' }` with `prefix` cut from each key that starts with it. */
export type CodesWithout<Code extends string, Prefix extends string> = { readonly [K in Code as K extends `${Prefix}${infer Rest}` ? Rest : K]: K };

/** What `defineErrors` returns: the codes as constants, and a builder of their errors. */
export interface Catalogue<T extends Record<string, ErrorSpec<any> | ErrorRow>> {
  readonly plugin: string;
  readonly section: string;
  readonly intro: string | undefined;
  /** `{ CODE: 'CODE' }`, for `error.code === catalogue.codes.CODE`. */
  readonly codes: { readonly [K in keyof T]: K };
  /**
   * `codes` keyed without the package's prefix, `{ NOT_FITS: 'FITS_NOT_FITS' }`: the public
   * `*ErrorCodes` object of a plugin, derived so that no code is listed twice.
   */
  codesWithout<Prefix extends string>(prefix: Prefix): CodesWithout<keyof T & string, Prefix>;
  readonly entries: readonly ErrorEntry[];
  /** An AeroError with the catalogue's message and hint (both overridable per occurrence). */
  error<K extends keyof T & string>(code: K, params: ParamsOf<T[K]>, options?: AeroErrorOptions): AeroError;
  /**
   * An AeroError with a message written where it is raised (the catalogue's `message` is then
   * only its shape for docs/errors.md), scoped like `error`. The catalogue's hint is not
   * added: the place that raises it says what to do for that occurrence.
   */
  create(code: keyof T & string, message: string, options?: Omit<AeroErrorOptions, 'plugin'>): AeroError;
}

/**
 * Declares a package's error codes once, with everything the CLI and docs/errors.md need,
 * and registers them so `AeroError` knows each code's exit status:
 *
 *   export const errors = defineErrors({
 *     S3_BUCKET_NOT_FOUND: { title: 'the bucket does not exist', exit: 1,
 *       message: (p: { bucket: string }) => `Bucket \`${p.bucket}\` does not exist.` },
 *   }, { plugin: '@aeroml/store-s3' });
 *   throw errors.error('S3_BUCKET_NOT_FOUND', { bucket });
 *
 * A plugin whose messages are written where they are raised keeps its rows as data instead,
 * `defineErrors(rows, …)` with `import rows from './errors.json'`: a string `message` (the
 * sample for docs/errors.md) and an `exit` that is checked here, since JSON cannot type it.
 */
export function defineErrors<const T extends Record<string, ErrorSpec<any> | ErrorRow>>(specs: T, options: CatalogueOptions): Catalogue<T> {
  const section = options.section ?? options.plugin;
  // Checked before any code is registered, so that a bad row leaves the registry as it was.
  for (const [code, spec] of Object.entries(specs)) checkRow(code, spec, options.plugin);
  const entries: ErrorEntry[] = Object.entries(specs).map(([code, spec]) => ({
    code,
    title: spec.title,
    message: messageOf(spec),
    hint: spec.hint,
    exit: spec.exit as ExitCode,
    docs: spec.docs ?? code.toLowerCase(),
    details: spec.details,
    plugin: options.plugin,
    section,
    intro: options.intro,
  }));
  for (const entry of entries) registerEntry(entry);
  const byCode = new Map(entries.map((e) => [e.code, e]));
  const scoped = options.scoped ?? true;
  const scope = scoped ? { plugin: options.plugin } : {};
  const codeList = Object.keys(specs);
  return {
    plugin: options.plugin,
    section,
    intro: options.intro,
    codes: Object.fromEntries(codeList.map((code) => [code, code])) as Catalogue<T>['codes'],
    codesWithout: (prefix) => Object.fromEntries(codeList.map((code) => [code.startsWith(prefix) ? code.slice(prefix.length) : code, code])) as never,
    entries,
    error(code, params, errorOptions = {}) {
      const entry = byCode.get(code)!;
      const hint = errorOptions.hint ?? entry.hint;
      return new AeroError(code, entry.message(params as Record<string, unknown>), {
        ...errorOptions,
        ...(hint === undefined ? {} : { hint }),
        ...scope,
      });
    },
    // An arrow, so that a plugin can export it under its own name (`export const fitsError = fitsErrors.create`).
    create: (code, message, errorOptions = {}) => new AeroError(code, message, { ...errorOptions, ...scope }),
  };
}

const EXIT_CODES: readonly number[] = [1, 2, 130] satisfies ExitCode[];

/** A row a catalogue cannot use is a bug of the package that declares it: said when it loads. */
function checkRow(code: string, spec: ErrorSpec<any> | ErrorRow, plugin: string): void {
  if (!EXIT_CODES.includes(spec.exit)) {
    throw new Error(`Error code ${code} of ${plugin} has exit ${JSON.stringify(spec.exit)}; the exit status must be 1 (something failed), 2 (input the user can fix) or 130 (interrupted).`);
  }
  if (typeof spec.message !== 'string' && typeof spec.message !== 'function') {
    throw new Error(`Error code ${code} of ${plugin} has no message; give it a string (the sample docs/errors.md shows) or a function of the occurrence's facts.`);
  }
}

/** The entry's renderer: a string message is the same text for every occurrence. */
function messageOf(spec: ErrorSpec<any> | ErrorRow): ErrorEntry['message'] {
  const message = spec.message;
  return typeof message === 'string' ? () => message : (message as ErrorEntry['message']);
}
