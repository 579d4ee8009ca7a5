import type { PartitionKey } from '../define.js';

// The shapes of pins and versions, apart from the modules that resolve them, so the plan
// types, run records and planner can name them without importing resolution code (and the
// queries it uses) back: no import cycle.

/** One version of an artifact: the digest of its manifest, and the instance's partition. */
export interface ArtifactVersion {
  digest: string;
  partition?: PartitionKey;
  /** The instance that wrote it, when known (a run or a tag names it). */
  producer?: { runId: string; instanceId: string; cacheKey?: string };
}

/**
 * `--use prep.data@best`, resolved: every consumer of `prep.data` takes these versions as
 * its input, and `prep` does not run for it (see plan-pins.ts).
 */
export interface PinnedOutput {
  /** As typed: `prep.data@best`. */
  spec: string;
  action: string;
  output: string;
  artifact: string;
  via: 'tag' | 'run' | 'digest' | 'newest';
  /** `prep.data@best`, `prep.data@<run id>`, `prep.data@<digest12>`. */
  label: string;
  versions: ArtifactVersion[];
}

/** What a run record keeps of a pin (shown by `aero show`, replayed by `aero rerun`). */
export interface PinRecord {
  spec: string;
  artifact: string;
  via: PinnedOutput['via'];
  label: string;
  versions: ArtifactVersion[];
}
