import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CreateError, CreateErrorCodes } from './errors.js';
import { readTarEntry } from './tar.js';
import { VERSIONS } from './versions.js';

export interface Tarball {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  file: string;
  /** aero packages (`@aeroml/*`, create-aeroml) it needs installed: dependencies and required peers. */
  needs: string[];
}

interface PackedManifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** The packages released from the aero repository (the CLI depends on create-aeroml for `aero init`). */
const isAero = (name: string) => name.startsWith('@aeroml/') || name === 'create-aeroml';

/** Every `npm pack` tarball in `dir`, identified by the package.json inside (not by file name). */
export async function readTarballs(dir: string): Promise<Map<string, Tarball[]>> {
  const root = resolve(dir);
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) {
    throw new CreateError(CreateErrorCodes.TARBALLS_NOT_FOUND, `--from-tarballs ${dir}: ${info ? 'is not a folder' : 'no such folder'}.`, {
      hint: `Pack the packages first, from the aero repository after npm run build: npm pack --pack-destination ${resolve(dir)} --workspaces`,
    });
  }
  const found = new Map<string, Tarball[]>();
  for (const entry of (await readdir(root)).filter((f) => f.endsWith('.tgz')).sort()) {
    const file = join(root, entry);
    const raw = await readTarEntry(file, 'package/package.json').catch((cause: unknown) => {
      throw new CreateError(CreateErrorCodes.TARBALL_INVALID, `${file} is not a readable npm tarball: ${(cause as Error).message}.`, { hint: 'Delete it and run npm pack again.', cause });
    });
    if (!raw) throw new CreateError(CreateErrorCodes.TARBALL_INVALID, `${file} has no package/package.json, so it was not made by npm pack.`, { hint: 'Delete it and run npm pack again.' });
    const manifest = JSON.parse(raw.toString('utf8')) as PackedManifest;
    if (!manifest.name || !manifest.version) throw new CreateError(CreateErrorCodes.TARBALL_INVALID, `${file}: its package.json has no name or version.`, { hint: 'Delete it and run npm pack again.' });
    const optional = manifest.peerDependenciesMeta ?? {};
    const needs = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}).filter((p) => !optional[p]?.optional)].filter(isAero);
    const list = found.get(manifest.name) ?? [];
    list.push({ name: manifest.name, version: manifest.version, file, needs: [...new Set(needs)].sort() });
    found.set(manifest.name, list);
  }
  return found;
}

/**
 * The tarball of each `@aeroml/*` package the project needs, directly or through other
 * tarballs' dependencies. Several versions of one package: the one this create-aeroml
 * was built with wins, else the newest file name order gives. A package with no tarball
 * is an error naming it and who needs it.
 */
export async function resolveTarballs(dir: string, direct: string[]): Promise<Map<string, Tarball>> {
  const available = await readTarballs(dir);
  const chosen = new Map<string, Tarball>();
  const missing = new Map<string, string>();
  const queue = direct.filter(isAero).map((name) => ({ name, by: 'the new project' }));
  while (queue.length > 0) {
    const { name, by } = queue.shift()!;
    if (chosen.has(name) || missing.has(name)) continue;
    const candidates = available.get(name);
    if (!candidates?.length) {
      missing.set(name, by);
      continue;
    }
    const wanted = VERSIONS[name]?.replace(/^\^/, '');
    const pick = candidates.find((t) => t.version === wanted) ?? candidates[candidates.length - 1]!;
    chosen.set(name, pick);
    for (const need of pick.needs) queue.push({ name: need, by: `${name}@${pick.version}` });
  }
  if (missing.size > 0) {
    const lines = [...missing].map(([name, by]) => `  - ${name} (needed by ${by})`);
    const flags = [...missing.keys()].map((n) => `-w ${n}`).join(' ');
    throw new CreateError(CreateErrorCodes.TARBALL_MISSING, `--from-tarballs ${dir} has no tarball for:\n${lines.join('\n')}`, {
      hint: `From the aero repository, after npm run build: npm pack --pack-destination ${resolve(dir)} ${flags}`,
    });
  }
  return chosen;
}
