import type { AeroProject } from '../project.js';
import { parseArtifactRef } from './refs.js';
import { checkTagName, readTag, tagKey, type TagRecord } from './tag-store.js';
import { resolveVersions } from './versions.js';

export { checkTagName, listTags, readTag, tagKey, TAGS_PREFIX, type TagMove, type TagRecord } from './tag-store.js';

export interface TagResult {
  record: TagRecord;
  /** created, moved (with `previous`), or unchanged (already there). */
  change: 'created' | 'moved' | 'unchanged';
  previous?: string[];
  /** The ref as resolved (`prep.data@20260101-…`). */
  from: string;
}

/** `aero tag <action>.<output>[@version] <tag>`: names a version (the newest when none is given). */
export async function tagArtifact(aero: AeroProject, refText: string, tag: string, now = new Date()): Promise<TagResult> {
  checkTagName(tag);
  const ref = parseArtifactRef(refText, aero.actions, 'aero tag');
  const resolved = await resolveVersions(aero, ref, 'aero tag');
  const store = aero.plugins.store;
  const old = await readTag(store, ref.artifact, tag);
  const digests = resolved.versions.map((v) => v.digest);
  const at = now.toISOString();
  if (old && sameDigests(old.versions.map((v) => v.digest), digests)) return { record: old, change: 'unchanged', from: resolved.label };
  const previous = old ? old.versions.map((v) => v.digest) : null;
  const record: TagRecord = {
    schema: 1,
    artifact: ref.artifact,
    tag,
    versions: resolved.versions,
    createdAt: old?.createdAt ?? at,
    updatedAt: at,
    history: [...(old?.history ?? []), { at, from: resolved.label, digests, previous }],
  };
  // A tag keeps its versions whatever happens to the runs that made them (aero gc): their
  // manifests become files, no longer only records in those runs' journals.
  for (const digest of digests) await aero.artifacts.persist(ref.artifact, digest);
  await store.put(tagKey(ref.artifact, tag), JSON.stringify(record, null, 2), { contentType: 'application/json' });
  return { record, change: old ? 'moved' : 'created', ...(previous ? { previous } : {}), from: resolved.label };
}

function sameDigests(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((d, i) => d === [...b].sort()[i]);
}
