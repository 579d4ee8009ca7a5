/**
 * The process-wide table of every error code a loaded package declared. It lives on
 * `globalThis` so that two copies of @aeroml/core in one process (a project's own and the
 * CLI's) see the same codes: a plugin registers with whichever copy it imports.
 */
export type ExitCode = 1 | 2 | 130;

export interface ErrorEntry {
  code: string;
  /** One line: when this error happens. */
  title: string;
  /** Renders the message from the facts of one occurrence. */
  message: (params: Record<string, unknown>) => string;
  /** What to do; a command in it must be one that works. */
  hint?: string | undefined;
  /** The CLI's exit status: 2 for input the user can fix, 1 for a failure, 130 when interrupted. */
  exit: ExitCode;
  /** The anchor in docs/errors.md, e.g. `plan_unknown_param`. */
  docs: string;
  /** Markdown kept in docs/errors.md under the code (what "when" does not say in one line). */
  details?: string | undefined;
  /** The package that declares it: `@aeroml/core`, `@aeroml/store-s3`. */
  plugin: string;
  /** The heading it is listed under in docs/errors.md. */
  section: string;
  /** Markdown under that heading (the catalogue's `intro`). */
  intro?: string | undefined;
}

const KEY = Symbol.for('aero.errors.registry');
type Registry = Map<string, ErrorEntry>;

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[KEY] ??= new Map());
}

export function registerEntry(entry: ErrorEntry): void {
  const known = registry().get(entry.code);
  // The same package loaded twice (ESM and CJS builds, two copies) registers the same
  // code again; two packages claiming one code is a bug of one of them.
  if (known && known.plugin !== entry.plugin) {
    throw new Error(`Error code ${entry.code} is declared by both ${known.plugin} and ${entry.plugin}; codes are permanent and belong to one package.`);
  }
  registry().set(entry.code, entry);
}

/** The catalogue entry of a code, if a loaded package declared it. */
export function lookupError(code: string): ErrorEntry | undefined {
  return registry().get(code);
}

/** Every declared code of every package loaded so far, in declaration order. */
export function listErrors(): ErrorEntry[] {
  return [...registry().values()];
}
