/** One file inside an artifact. Paths are relative, `/`-separated. */
export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

/**
 * An artifact version: a named set of files. Its digest is the sha256 of the canonical
 * JSON of this manifest, so the same content always gets the same version.
 */
export interface ArtifactManifest {
  schema: 1;
  /** `<action>.<output>` e.g. `train.model`. */
  name: string;
  handler: string;
  handlerVersion: string;
  files: ManifestFile[];
  /** Partition key of the producing instance, if partitioned. */
  partition?: Record<string, string | number> | undefined;
  /** Handler `describe()` output and user metadata. */
  metadata?: Record<string, unknown> | undefined;
}

/** What is passed around: a pointer to one manifest version plus its lineage. */
export interface ArtifactRef {
  name: string;
  digest: string;
  handler: string;
  files: ManifestFile[];
  partition?: Record<string, string | number> | undefined;
  /**
   * The manifest's address in the store's layout (`artifacts/<name>/<digest>.json`): a file
   * there when a worker in another process (or an older aero) wrote it, or a record in the
   * run journal of its cache entry when it was committed in the run's own process. Read a
   * manifest with `ArtifactStore.getManifest`, which looks in both.
   */
  manifestKey: string;
  producer?: { runId: string; instanceId: string; cacheKey: string } | undefined;
  metadata?: Record<string, unknown> | undefined;
}
