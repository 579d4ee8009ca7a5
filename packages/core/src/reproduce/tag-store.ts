import type { Store } from '../contracts/store.js';
import { AeroError, ErrorCodes } from '../errors.js';
import { readJson } from '../queries/store-json.js';
import type { ArtifactVersion } from './pin-types.js';

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

