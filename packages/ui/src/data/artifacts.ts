import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Aero, ArtifactManifest, ManifestFile } from '@aeroml/core';
import type { Preview } from '../shared/api-types.js';
import { parseCsv } from '../shared/csv.js';

const MAX_TEXT = 200_000;
const MAX_CSV_ROWS = 200;
const MAX_IMAGE = 5_000_000;
const TEXT_EXTENSIONS = new Set(['.txt', '.md', '.log', '.jsonl', '.ndjson', '.yaml', '.yml', '.toml', '.ini', '.py', '.ts', '.js', '.sh', '.tsv', '.xml', '.html']);

/** Artifact names are `<action>.<output>`: plain names, never a path. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const DIGEST = /^[0-9a-f]{64}$/;

/**
 * The manifest file `path` names in artifact `name@digest`, or undefined. This is the only
 * way a request reaches bytes: the name and digest must be a manifest in the store and the
 * path one of its files, whose blob is then read by its sha256. No file system path is
 * built from what a request says, so `..`, absolute paths and symlinks lead nowhere.
 */
export async function manifestFile(aero: Aero, name: string, digest: string, path: string): Promise<{ manifest: ArtifactManifest; file: ManifestFile } | { missing: 'artifact' | 'file' }> {
  if (!NAME.test(name) || !DIGEST.test(digest)) return { missing: 'artifact' };
  let manifest: ArtifactManifest;
  try {
    manifest = await aero.artifacts.getManifest(name, digest);
  } catch {
    return { missing: 'artifact' };
  }
  // The manifest must be that artifact's: one read before (kept in memory by digest) is
  // otherwise found under any name.
  if (manifest.name !== name) return { missing: 'artifact' };
  const file = manifest.files.find((f) => f.path === path);
  return file ? { manifest, file } : { missing: 'file' };
}

export async function previewFile(aero: Aero, manifest: ArtifactManifest, file: ManifestFile): Promise<Preview> {
  const { StoreKeys } = await import('@aeroml/core');
  const handler = aero.plugins.handlers.get(manifest.handler);
  const ext = extname(file.path).toLowerCase();
  if (handler?.preview && ext !== '.png') {
    const bytes = await aero.plugins.store.getBytes(StoreKeys.blob(file.sha256));
    if (!bytes) return { kind: 'none', reason: 'the blob is not in the store (removed by aero gc?)' };
    const dir = await mkdtemp(join(tmpdir(), 'aero-preview-'));
    try {
      const tmp = join(dir, `file${ext}`);
      await writeFile(tmp, bytes);
      const p = await handler.preview(tmp);
      return { kind: 'handler', handler: manifest.handler, summary: p.summary, pngBase64: p.pngBase64 ?? null };
    } catch (error) {
      return { kind: 'none', reason: `${manifest.handler} preview failed: ${(error as Error).message}` };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const limit = ext === '.png' ? MAX_IMAGE : MAX_TEXT;
  if (ext === '.png' && file.size > MAX_IMAGE) return { kind: 'none', reason: `image of ${file.size} bytes is too large to preview` };
  const bytes = await aero.plugins.store.getBytes(StoreKeys.blob(file.sha256));
  if (!bytes) return { kind: 'none', reason: 'the blob is not in the store (removed by aero gc?)' };
  const buf = Buffer.from(bytes);
  if (ext === '.png') {
    const isPng = buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    return isPng ? { kind: 'image', mime: 'image/png', base64: buf.toString('base64') } : { kind: 'none', reason: 'not a PNG file' };
  }
  const truncated = buf.length > limit;
  const text = buf.subarray(0, limit).toString('utf8');
  if (ext === '.json') {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2), truncated: false };
    } catch {
      return { kind: 'text', text, truncated };
    }
  }
  if (ext === '.csv') {
    const rows = parseCsv(text);
    return { kind: 'csv', rows: rows.slice(0, MAX_CSV_ROWS), truncated: truncated || rows.length > MAX_CSV_ROWS };
  }
  if (TEXT_EXTENSIONS.has(ext) || !text.includes('\u0000')) return { kind: 'text', text, truncated };
  return { kind: 'none', reason: `no preview for ${ext || 'files without an extension'} (handler ${manifest.handler} has no preview)` };
}
