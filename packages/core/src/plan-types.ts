import type { Action, InputRef, PartitionKey } from './define.js';
import type { PinnedOutput } from './reproduce/pin-types.js';

// The shapes of a plan, apart from the planner that builds them, so modules the
// planner uses (selection.ts) can name them without importing the planner back.

export interface PlannedInput {
  ref: InputRef;
  /** Indices into `Plan.instances` of the producer instances (one unless gathering). */
  producers: number[];
}

export interface PlannedInstance {
  index: number;
  id: string;
  /** Folder-safe form of the id. */
  dir: string;
  action: Action;
  partition: PartitionKey | undefined;
  params: unknown;
  inputs: Record<string, PlannedInput>;
  outputs: Record<string, { path: string; handler: string }>;
  /** Indices of instances this one depends on (deduplicated). */
  deps: number[];
  /** Selected by --only (or everything when no selection); ancestors are pulled in unselected. */
  selected: boolean;
  /** A stand-in for a version pinned with `--use`: nothing runs, its digest is handed on (reproduce/plan-pins.ts). */
  pinned?: PinnedVersion;
}

export interface PinnedVersion {
  artifact: string;
  output: string;
  digest: string;
  /** `prep.data@best` */
  label: string;
  producer?: { runId: string; instanceId: string; cacheKey?: string };
}

export interface Plan {
  actions: Action[];
  instances: PlannedInstance[];
  /** Action name → its instance indices. */
  byAction: Map<string, number[]>;
  /** The `--use` pins this plan was made with (kept in the run record). */
  pins?: PinnedOutput[];
}
