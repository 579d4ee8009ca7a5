import type { Readable } from 'node:stream';
import type { PluginBase } from './plugin.js';

/**
 * A small key/blob store, like an unstorage driver. Keys are `/`-separated relative
 * paths (`objects/sha256/ab/<hex>`, `artifacts/<name>/<digest>.json`, `cache/<key>.json`,
 * `runs/<run-id>/run.json`). Core builds content addressing, manifests, cache entries and
 * run records on top, so a store plugin only moves bytes.
 *
 * Rules every store must keep (the conformance suite checks them):
 * - `put` is atomic: a reader sees the whole old value, the whole new value, or nothing.
 * - `put(..., { ifAbsent: true })` never overwrites; it resolves `{ written: false }` when the
 *   key already exists, also when two writers race.
 * - `get` of a missing key resolves `null` (never throws for absence).
 * - `list(prefix)` yields every key that starts with `prefix`, in no particular order.
 * - `delete` of a missing key is not an error.
 */
export interface Store extends PluginBase<'store'> {
  /** Required: cache lookups (is every blob still there?) and `aero verify`. */
  has(key: string): Promise<boolean>;
  /** Required: blob reads as a stream (inputs of a job, trackers uploading artifact bytes). */
  get(key: string): Promise<Readable | null>;
  /**
   * Required: small values (records, manifests, cache entries). Missing → null.
   * defineStore() builds it on `get` when a store leaves it out.
   */
  getBytes(key: string): Promise<Uint8Array | null>;
  /** Required: every write (blobs with `ifAbsent`, records, manifests, cache entries). */
  put(key: string, body: Uint8Array | string | Readable, options?: PutOptions): Promise<PutResult>;
  /** Required: `aero ps`, `aero artifacts`, `aero gc` and `aero verify` walk prefixes. */
  list(prefix: string): AsyncIterable<string>;
  /** Required: `aero gc` and quarantining a corrupt blob. */
  delete(key: string): Promise<void>;
  /** Optional fast path: upload a local file (hardlink/copy for local, multipart for S3). */
  putFile?(key: string, filePath: string, options?: PutOptions): Promise<PutResult>;
  /** Optional fast path: download to a local file atomically. Missing → false. */
  getFile?(key: string, filePath: string): Promise<boolean>;
  /** Optional batch existence check (many blobs at once on a cache lookup). */
  hasMany?(keys: string[]): Promise<boolean[]>;
  /**
   * Optional: a local directory that mirrors the store, if the store is on this filesystem. Used by
   * launchers to mount it into containers, and by `aero exec` to find it again.
   */
  readonly localRoot?: string;
  /** Optional: store-specific housekeeping for `aero gc` (e.g. abort orphan multipart uploads). */
  gc?(options: { dryRun: boolean; olderThanMs: number }): Promise<{ removed: string[] }>;
  /** Optional: called when the engine is closed. */
  close?(): Promise<void>;
}

export interface PutOptions {
  /** Only write when the key does not exist yet (content-addressed blobs, records). */
  ifAbsent?: boolean;
  /** Hex sha256 of the body when known; stores may verify it. */
  sha256?: string;
  contentType?: string;
  /**
   * putFile only: the caller hands the file over and will not read or write it again
   * (aero's own output files, committed right before their work dir is removed). A store
   * on the same filesystem may then take the file itself (by rename: `moved` in the
   * result) or by hard link instead of copying it; others ignore the flag.
   */
  handOver?: boolean;
}

export interface PutResult {
  written: boolean;
  /** putFile with `handOver`: the store moved the file to the key, so it is gone from its path. */
  moved?: boolean;
}
