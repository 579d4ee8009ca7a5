// Reproduce and hand over: tags, --use pins, exact reruns, run diffs, plain-file export.
export { parseArtifactRef, type ArtifactRefText } from './refs.js';
export { resolveVersions, versionsFromRun, type ArtifactVersion, type ResolvedVersions } from './versions.js';
export { tagArtifact, listTags, readTag, checkTagName, tagKey, TAGS_PREFIX, type TagRecord, type TagMove, type TagResult } from './tags.js';
export { resolvePins, pinRecords, pinsFromRecords, type PinnedOutput, type PinRecord } from './pins.js';
export { overlayStore } from './overlay-store.js';
export { rerunRun, compareOutputs, type RerunOptions, type RerunReport, type RerunArtifact } from './rerun.js';
export { diffRuns, valueChanges, type RunDiff, type ValueChange, type CodeChange, type InputChange, type MetricRow } from './diff.js';
export { exportArtifacts, type ExportOptions, type ExportReport, type ExportedFile } from './export.js';
export { mirrorTag } from './tag-mirror.js';
