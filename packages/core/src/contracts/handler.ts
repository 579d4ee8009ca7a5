import type { PluginBase } from './plugin.js';

/**
 * Turns values into files and back. One handler per format (`json`, `csv`, `npy`, `fits`).
 * `read`/`write` get absolute paths; `write` must create the file atomically or leave
 * the engine to clean up (the engine writes into a private work dir before hashing).
 */
export interface AssetHandler<T = unknown, ReadOptions = Record<string, unknown>, WriteOptions = Record<string, unknown>>
  extends PluginBase<'handler'> {
  /**
   * Set by `defineHandler`: a digest of the options the handler was made with, when they are
   * not its defaults. It goes into the cache key of every output it writes, with its name
   * and version (options such as a csv delimiter change the bytes). A handler written
   * without `defineHandler` can set it itself.
   */
  readonly optionsDigest?: string;
  /** Required: file extensions without the dot, first one is the default for new outputs. */
  readonly extensions: readonly string[];
  /** Required: an action reads an input (`inputs.x.read()`) or the worker loads one. */
  read(path: string, options?: ReadOptions): Promise<T>;
  /** Required: an action writes an output (`outputs.x.write(value)`) into its work dir. */
  write(path: string, value: T, options?: WriteOptions): Promise<void>;
  /** Optional: small JSON-able summary of a value (shape, dtype, rows) stored in the manifest when an output is written. */
  describe?(value: T): Record<string, unknown>;
  /**
   * Optional: a small preview of the file at `path` for `aero ui` / `aero report` (shape,
   * dtype, stats; a PNG thumbnail of 2-D data). Read only what the preview needs.
   */
  preview?(path: string): Promise<AssetPreview>;
}

/** What a handler's `preview` returns: facts shown as a table, and an optional image. */
export interface AssetPreview {
  /** Short facts, e.g. `{ shape: [64, 64], dtype: 'float64', min: 0, max: 1, mean: 0.5 }`. */
  summary: Record<string, string | number | boolean | null | number[] | string[]>;
  /** A PNG thumbnail (base64, no `data:` prefix), e.g. of a 2-D array scaled to 0..255. */
  pngBase64?: string;
}
