import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import type { Store } from './contracts/store.js';
import type { Aero } from './engine.js';
import { AeroError, ErrorCodes } from './errors.js';
import { digestOf, sha256File, sha256Hex } from './hash.js';
import { StoreKeys } from './keys.js';
import { isSegmentKey, parseSegment } from './run/journal.js';
import { quarantine } from './quarantine.js';
import { Semaphore } from './util/semaphore.js';

export interface VerifyProblem {
  kind: 'blob' | 'manifest';
  /** The store key that held the bad bytes. */
  key: string;
  /** sha256 the key names, and the sha256 of the bytes found there. */
  expected: string;
  actual: string;
  /** Artifacts (`name@digest12`) that list this blob; for a manifest, its own artifact. */
  usedBy: string[];
  /** Where it was moved (unless a dry run): `quarantine/<key>`. */
  quarantinedAs?: string;
}

export interface VerifyReport {
  dryRun: boolean;
  blobs: number;
  bytes: number;
  manifests: number;
  problems: VerifyProblem[];
}

const BLOB_KEY = /^objects\/sha256\/([0-9a-f]{2})\/([0-9a-f]{64})$/;
const MANIFEST_KEY = /^artifacts\/(.+)\/([0-9a-f]{64})\.json$/;
/** Blobs hashed at once: enough to keep a disk or a remote store busy on two cores. */
const PARALLEL = 4;

/**
 * `aero verify`: rehashes every blob and manifest of the store and moves the ones whose
 * bytes do not match the digest in their key to `quarantine/<key>` (not deleted: inspect
 * or remove them by hand). A quarantined blob is missing from its key, so every cache hit
 * that needed it is no longer backed and its producer runs again on the next `aero run`.
 *
 * Works through the Store contract (list, get), so a shared S3 store is checked the same
 * way; a store on this filesystem is read directly, and quarantined by rename.
 */
export async function verify(aero: Aero, options: { dryRun?: boolean } = {}): Promise<VerifyReport> {
  const store = aero.plugins.store;
  const dryRun = Boolean(options.dryRun);
  const report: VerifyReport = { dryRun, blobs: 0, bytes: 0, manifests: 0, problems: [] };
  const usedBy = new Map<string, string[]>();
  const badManifests: VerifyProblem[] = [];
  const limit = new Semaphore(PARALLEL);
  const pending: Promise<void>[] = [];
  const parallel = async (task: () => Promise<void>) => {
    const release = await limit.acquire();
    pending.push(task().finally(release));
  };

  for await (const key of store.list('artifacts/')) {
    const m = MANIFEST_KEY.exec(key);
    if (!m) continue;
    await parallel(async () => {
      const bytes = await store.getBytes(key);
      if (!bytes) return; // removed meanwhile (gc)
      report.manifests++;
      const text = Buffer.from(bytes).toString('utf8');
      const artifact = `${m[1]}@${m[2]!.slice(0, 12)}`;
      const actual = sha256Hex(text);
      if (actual !== m[2]) {
        badManifests.push({ kind: 'manifest', key, expected: m[2]!, actual, usedBy: [artifact] });
        return;
      }
      let files: Array<{ sha256: string }> = [];
      try {
        files = (JSON.parse(text) as { files?: Array<{ sha256: string }> }).files ?? [];
      } catch {
        // matches its digest yet is no JSON: written so by hand; nothing lists blobs here
      }
      for (const f of files) usedBy.set(f.sha256, [...(usedBy.get(f.sha256) ?? []), artifact]);
    });
  }
  await Promise.all(pending.splice(0));
  await checkJournaledManifests(store, report, usedBy, badManifests);

  const badBlobs: VerifyProblem[] = [];
  for await (const key of store.list('objects/')) {
    const m = BLOB_KEY.exec(key);
    if (!m || !m[2]!.startsWith(m[1]!)) continue;
    await parallel(async () => {
      const hashed = await hashBlob(store, key);
      if (!hashed) return; // removed meanwhile (gc)
      report.blobs++;
      report.bytes += hashed.size;
      if (hashed.sha256 !== m[2]) badBlobs.push({ kind: 'blob', key, expected: m[2]!, actual: hashed.sha256, usedBy: [] });
    });
  }
  await Promise.all(pending.splice(0));

  for (const problem of [...badBlobs, ...badManifests]) {
    if (problem.kind === 'blob') problem.usedBy = [...new Set(usedBy.get(problem.expected) ?? [])].sort();
    if (!dryRun) problem.quarantinedAs = await quarantine(store, problem.key);
    report.problems.push(problem);
  }
  report.problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return report;
}

/**
 * Manifests journaled with their cache entries (run/journal.ts) count as manifests too: each
 * is rehashed, and the blobs it lists are attributed to it. A segment holding one that does
 * not match its digest is the bad item (the whole segment is quarantined: its entries are
 * misses and rerun). A segment that fails its own checksum is already ignored by every reader.
 */
async function checkJournaledManifests(store: Store, report: VerifyReport, usedBy: Map<string, string[]>, bad: VerifyProblem[]): Promise<void> {
  for await (const key of store.list(StoreKeys.runsPrefix)) {
    if (!isSegmentKey(key)) continue;
    const records = parseSegment(await store.getBytes(key));
    let badInSegment: VerifyProblem | undefined;
    for (const record of records ?? []) {
      for (const [digest, manifest] of Object.entries(record.manifests ?? {})) {
        report.manifests++;
        const artifact = `${manifest?.name}@${digest.slice(0, 12)}`;
        const actual = digestOf(manifest);
        if (actual !== digest) {
          badInSegment ??= { kind: 'manifest', key, expected: digest, actual, usedBy: [] };
          badInSegment.usedBy.push(artifact);
          continue;
        }
        for (const f of manifest.files ?? []) usedBy.set(f.sha256, [...(usedBy.get(f.sha256) ?? []), artifact]);
      }
    }
    if (badInSegment) bad.push(badInSegment);
  }
}

/** sha256 and size of a stored value, read from disk when the store is local. */
async function hashBlob(store: Store, key: string): Promise<{ sha256: string; size: number } | undefined> {
  if (store.localRoot) {
    try {
      return await sha256File(join(store.localRoot, ...key.split('/')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
  const stream = await store.get(key);
  if (!stream) return undefined;
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    hash.update(bytes);
    size += bytes.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * The error `aero verify` ends with when it found bad content (exit code 1), after the
 * report lists each item. Undefined when the store is sound.
 */
export function storeCorruptError(report: VerifyReport, cwd: string, store: Store): AeroError | undefined {
  const n = report.problems.length;
  if (n === 0) return undefined;
  const what = `${n} stored item${n === 1 ? '' : 's'} (${count(report.problems, 'blob')}, ${count(report.problems, 'manifest')}) did not match ${n === 1 ? 'its digest' : 'their digests'}`;
  if (report.dryRun) {
    return new AeroError(ErrorCodes.STORE_CORRUPT, `${what}; nothing was moved (dry run).`, {
      hint: 'Run `aero verify` to move them aside, then `aero run` to rebuild them from their producers.',
      details: { keys: report.problems.map((p) => p.key) },
    });
  }
  const where = store.localRoot ? `${relative(cwd, join(store.localRoot, 'quarantine')) || 'quarantine'}/` : 'the store under quarantine/';
  return new AeroError(ErrorCodes.STORE_CORRUPT, `${what}; ${n === 1 ? 'it was' : 'they were'} moved to ${where} (not deleted).`, {
    hint: 'Run `aero run`: the actions that produced them run again and rewrite them.',
    details: { keys: report.problems.map((p) => p.key) },
  });
}

function count(problems: VerifyProblem[], kind: VerifyProblem['kind']): string {
  const n = problems.filter((p) => p.kind === kind).length;
  return `${n} ${kind}${n === 1 ? '' : 's'}`;
}
