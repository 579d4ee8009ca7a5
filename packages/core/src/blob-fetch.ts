import { linkSync } from 'node:fs';
import { copyFile, link, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ManifestFile } from './contracts/artifact.js';
import type { Store } from './contracts/store.js';
import { AeroError, ErrorCodes } from './errors.js';
import { sha256File } from './hash.js';
import { StoreKeys } from './keys.js';
import { atomicTempPath, publishTemp } from './util/atomic-write.js';
import { readStream, writeFileAtomic } from './util/fs.js';

/**
 * Puts one blob of an artifact at `target` (a job's input folder) and makes sure its bytes
 * match the digest before anyone reads them: a blob whose content changed in the store
 * (bit rot, a hand edit, a write through a hard link) must never become an input, or its
 * wrong result would be cached.
 *
 * From a store on this filesystem the blob is hard-linked (no copy), so hashing the
 * target hashes the store's own file. `verified` holds the digests already checked by
 * this process — blobs it wrote itself, or linked and hashed earlier — so a blob is
 * hashed at most once per run, and a chain of actions that hands outputs on pays nothing.
 * A download is a new copy and is always hashed (as it always was).
 *
 * A file already at `target` is replaced unless it is the store's own file (a stale file
 * from an earlier attempt is never taken for the input).
 */
export async function fetchBlob(store: Store, artifact: string, file: ManifestFile, target: string, verified: Set<string>): Promise<void> {
  const key = StoreKeys.blob(file.sha256);
  if (store.localRoot) {
    const source = join(store.localRoot, ...key.split('/'));
    await placeLocal(source, target, artifact, file);
  } else if (store.getFile) {
    if (!(await store.getFile(key, target))) throw missingBlob(artifact, file);
  } else {
    const stream = await store.get(key);
    if (!stream) throw missingBlob(artifact, file);
    await writeFileAtomic(target, await readStream(stream));
  }
  // A link is the store's own file: once checked, it is known. A download is a new copy.
  if (store.localRoot && verified.has(file.sha256)) return;
  const { sha256 } = await sha256File(target);
  if (sha256 !== file.sha256) {
    await unlink(target).catch(() => undefined);
    throw corruptBlob(artifact, file, sha256);
  }
  verified.add(file.sha256);
}

/** Hard link `source` at `target` (a copy across filesystems), replacing a stale file there. */
async function placeLocal(source: string, target: string, artifact: string, file: ManifestFile): Promise<void> {
  try {
    // Synchronous: one link(2) takes microseconds, less than a thread-pool round trip, and in
    // a chain of actions it sits on the critical path of every step.
    linkSync(source, target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (await sameFile(source, target)) return;
    } else if (code !== 'EXDEV' && code !== 'EPERM') {
      throw missingBlob(artifact, file, error);
    }
  }
  // A stale file at the target, or no hard links here: place a fresh one by rename.
  const tmp = atomicTempPath(dirname(target));
  try {
    await link(source, tmp).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EXDEV' && error.code !== 'EPERM') throw error;
      await copyFile(source, tmp);
    });
    await publishTemp(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw missingBlob(artifact, file, error);
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return Boolean(x && y && x.dev === y.dev && x.ino === y.ino);
}

function missingBlob(artifact: string, file: ManifestFile, cause?: unknown): AeroError {
  return new AeroError(ErrorCodes.STORE_NOT_FOUND, `The content of ${file.path} of ${artifact} (sha256 ${file.sha256.slice(0, 12)}) is missing from the store.`, {
    hint: 'Run `aero run` again: the producer of a missing blob reruns and rewrites it.',
    cause,
  });
}

function corruptBlob(artifact: string, file: ManifestFile, actual: string): AeroError {
  return new AeroError(
    ErrorCodes.STORE_CORRUPT,
    `The stored content of ${file.path} of ${artifact} does not match its digest (expected sha256 ${file.sha256.slice(0, 12)}, the bytes hash to ${actual.slice(0, 12)}); it was not used as an input.`,
    { hint: 'Run `aero verify` to move corrupt blobs aside, then `aero run` to rebuild them from their producers.', details: { key: StoreKeys.blob(file.sha256), expected: file.sha256, actual } },
  );
}
