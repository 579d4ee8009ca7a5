import type { PluginBase } from './plugin.js';

/**
 * Turns values into files and back. One handler per format (`json`, `csv`, `npy`, `fits`).
 * `read`/`write` get absolute paths; `write` must create the file atomically or leave
 * the engine to clean up (the engine writes into a private work dir before hashing).
 */
export interface AssetHandler<T = unknown, ReadOptions = Record<string, unknown>, WriteOptions = Record<string, unknown>>
  extends PluginBase<'handler'> {
  /** File extensions without the dot, first one is the default for new outputs. */
  readonly extensions: readonly string[];
  read(path: string, options?: ReadOptions): Promise<T>;
  write(path: string, value: T, options?: WriteOptions): Promise<void>;
  /** Small JSON-able summary of a value (shape, dtype, rows) stored in the manifest. */
  describe?(value: T): Record<string, unknown>;
}
