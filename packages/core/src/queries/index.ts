// The read side of the store: runs (ps, show, logs), why, artifacts and lineage, gc.
export { listRuns, getRun, findEntry, readLog, readSnapshot } from './runs.js';
export { why, type WhyReport } from './why.js';
export { listArtifacts, lineage, type ArtifactSummary, type LineageNode } from './lineage.js';
export { gc, type GcReport } from './gc.js';
