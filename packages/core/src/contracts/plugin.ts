/** What every plugin object has. Factories validate options with zod and return one. */
export interface PluginBase<K extends string = string> {
  readonly kind: K;
  /** Short name users refer to (`'json'`, `'s3'`, `'slurm'`). Unique per kind. */
  readonly name: string;
  /** The publishing package's version (goes into cache keys for handlers). */
  readonly version: string;
  /** The package that provides it, for error scoping: `@aeroml/store-s3`. */
  readonly packageName?: string;
}

/** Structured logger the engine and plugins write to; the CLI decides how to print. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
