// aero artifacts as W&B artifacts: where their bytes are, and the W&B manifest
// (`wandb_manifest.json`, storage layout V2) whose MD5 digest names the version.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactRef } from '@aeroml/core';
import type { ResolveFile } from './options.js';
import type { SpooledFile } from './spool.js';

/** `.aero` of a run folder `.aero/runs/<run-id>`. */
export function aeroDirOf(runDir: string): string {
  return dirname(dirname(runDir));
}

/** Where the local store keeps a blob: `.aero/objects/sha256/<ab>/<hex>`. */
export function defaultBlobPath(aeroDir: string, sha256: string): string {
  return join(aeroDir, 'objects', 'sha256', sha256.slice(0, 2), sha256);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Finds each file's bytes on this machine (the spool keeps the paths, not copies). */
export async function locateFiles(ref: ArtifactRef, aeroDir: string, resolve?: ResolveFile): Promise<SpooledFile[]> {
  return Promise.all(
    ref.files.map(async (file) => {
      const candidate = resolve ? await resolve(file, ref, { aeroDir }) : defaultBlobPath(aeroDir, file.sha256);
      const localPath = candidate && (await exists(candidate)) ? candidate : undefined;
      return { path: file.path, sha256: file.sha256, size: file.size, ...(localPath ? { localPath } : {}) };
    }),
  );
}

export function b64md5(bytes: Uint8Array | string): string {
  return createHash('md5').update(bytes).digest('base64');
}

export function fileMd5(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('base64')));
  });
}

export interface ManifestEntry {
  digest: string;
  size: number;
  ref?: string;
}

export interface WandbManifest {
  version: 1;
  storagePolicy: 'wandb-storage-policy-v1';
  storagePolicyConfig: { storageLayout: 'V2' };
  contents: Record<string, ManifestEntry>;
}

export interface BuiltManifest {
  manifest: WandbManifest;
  /** Files whose bytes go to W&B storage. */
  uploads: { name: string; md5: string; localPath: string; size: number }[];
  /** Files recorded as references because their bytes are not on this machine. */
  missing: string[];
}

/**
 * Builds the W&B manifest. Uploaded entries carry the base64 MD5 of the bytes; files not
 * on this machine (a remote store, or a deleted blob) become references `aero://sha256/<hex>`
 * so lineage and digests still arrive; with `reference` storage every file is a `file://` reference.
 */
export async function buildManifest(files: SpooledFile[], storage: 'upload' | 'reference'): Promise<BuiltManifest> {
  const contents: Record<string, ManifestEntry> = {};
  const uploads: BuiltManifest['uploads'] = [];
  const missing: string[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (file.localPath && (await exists(file.localPath))) {
      const md5 = await fileMd5(file.localPath);
      if (storage === 'upload') {
        contents[file.path] = { digest: md5, size: file.size };
        uploads.push({ name: file.path, md5, localPath: file.localPath, size: file.size });
      } else {
        contents[file.path] = { digest: md5, size: file.size, ref: pathToFileURL(file.localPath).href };
      }
    } else {
      contents[file.path] = { digest: file.sha256, size: file.size, ref: `aero://sha256/${file.sha256}` };
      missing.push(file.path);
    }
  }
  return { manifest: { version: 1, storagePolicy: 'wandb-storage-policy-v1', storagePolicyConfig: { storageLayout: 'V2' }, contents }, uploads, missing };
}

/** The artifact digest W&B computes for MANIFEST_MD5: md5 over the sorted `path:digest` lines. */
export function manifestDigest(contents: Record<string, ManifestEntry>): string {
  const hash = createHash('md5').update('wandb-artifact-manifest-v1\n');
  for (const path of Object.keys(contents).sort()) hash.update(`${path}:${contents[path]!.digest}\n`);
  return hash.digest('hex');
}
