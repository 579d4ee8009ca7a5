import type { Store } from '../contracts/store.js';
import { AeroError, ErrorCodes } from '../errors.js';
import type { AeroProject } from '../project.js';
import { readJson } from '../queries/store-json.js';
import { parseArtifactRef } from './refs.js';
import { resolveVersions, type ArtifactVersion } from './versions.js';

/** Tags live in the store next to the artifacts, so a shared (S3) store shares them. */
export const TAGS_PREFIX = 'tags/';
export const tagKey = (artifact: string, tag: string) => `${TAGS_PREFIX}${artifact}/${tag}.json`;

/** tags/<action>.<output>/<tag>.json: the versions a tag names, and every move it made. */
export interface TagRecord {
  schema: 1;
  artifact: string;
  tag: string;
  versions: ArtifactVersion[];
  createdAt: string;
  updatedAt: string;
  /** Oldest first. Moving a tag appends here: a tag never changes silently. */
  history: TagMove[];
}

export interface TagMove {
  at: string;
  /** What the tag was pointed at, as typed (`prep.data@20260101-…`). */
  from: string;
  digests: string[];
  /** The digests it named before this move; null when it was created. */
  previous: string[] | null;
}

/**
 * Letters first, then letters, digits, `.`, `_`, `-`. A tag cannot look like a digest
 * prefix (all hex) or be `latest`, so `@<x>` always means one thing.
 */
export function checkTagName(tag: string): void {
  const problem = !/^[A-Za-z_][A-Za-z0-9._-]{0,99}$/.test(tag)
    ? 'a tag starts with a letter or _ and has only letters, digits, ., _ and - (at most 100)'
    : /^[0-9a-f]+$/.test(tag)
      ? 'it would read as a digest prefix (only hex letters)'
      : tag === 'latest'
        ? '`latest` already means the newest run'
        : undefined;
  if (problem) throw new AeroError(ErrorCodes.TAG_INVALID, `\`${tag}\` cannot be a tag: ${problem}.`, { hint: 'Pick a name like best, prod or v1.' });
}

export async function readTag(store: Store, artifact: string, tag: string): Promise<TagRecord | undefined> {
  if (tag.includes('/') || tag.startsWith('.')) return undefined; // never a key outside tags/<artifact>/
  return readJson<TagRecord>(store, tagKey(artifact, tag));
}

/** Every tag (of one artifact, or all), by artifact then tag. */
export async function listTags(store: Store, artifact?: string): Promise<TagRecord[]> {
  const prefix = artifact ? `${TAGS_PREFIX}${artifact}/` : TAGS_PREFIX;
  const keys: string[] = [];
  for await (const key of store.list(prefix)) if (key.endsWith('.json') && key.split('/').length === 3) keys.push(key);
  const records = (await Promise.all(keys.map((k) => readJson<TagRecord>(store, k)))).filter((r): r is TagRecord => Boolean(r?.versions));
  return records.sort((a, b) => a.artifact.localeCompare(b.artifact) || a.tag.localeCompare(b.tag));
}

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
  await store.put(tagKey(ref.artifact, tag), JSON.stringify(record, null, 2), { contentType: 'application/json' });
  return { record, change: old ? 'moved' : 'created', ...(previous ? { previous } : {}), from: resolved.label };
}

function sameDigests(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((d, i) => d === [...b].sort()[i]);
}
