import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateError, CreateErrorCodes } from './errors.js';

/** The members of a package.json that hold name → value maps the template adds to. */
const MAPS = ['scripts', 'dependencies', 'devDependencies', 'peerDependencies', 'overrides'] as const;

export interface PackageJsonMerge {
  /** The existing package.json with what the template needs added. */
  merged: Record<string, unknown>;
  /** What was added, e.g. `dependencies.@aeroml/core`, `scripts.start`. */
  added: string[];
  /** Entries the template would set that the project has with another value (kept as they are). */
  kept: string[];
}

/**
 * `aero init` in a project that has a package.json (`npm init -y`, then `aero init`): the
 * template's scripts and dependencies are added to it; nothing it has is changed or
 * removed. `type`, `name` and every other member stay as they are.
 */
export function mergePackageJson(existing: Record<string, unknown>, template: Record<string, unknown>): PackageJsonMerge {
  const merged: Record<string, unknown> = { ...existing };
  const added: string[] = [];
  const kept: string[] = [];
  for (const member of MAPS) {
    const wanted = template[member] as Record<string, unknown> | undefined;
    if (!wanted) continue;
    const have = (existing[member] ?? {}) as Record<string, unknown>;
    const next: Record<string, unknown> = { ...have };
    for (const [name, value] of Object.entries(wanted)) {
      if (!(name in have)) {
        next[name] = value;
        added.push(`${member}.${name}`);
      } else if (JSON.stringify(have[name]) !== JSON.stringify(value)) kept.push(`${member}.${name}`);
    }
    merged[member] = next;
  }
  return { merged, added, kept };
}

/** Reads the project's package.json as an object, or refuses (nothing written) when it is not one. */
export async function readProjectPackageJson(dir: string): Promise<Record<string, unknown> | undefined> {
  const path = join(dir, 'package.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CreateError(CreateErrorCodes.FILES_EXIST, `${path} is not valid JSON (${(error as Error).message}), so the template's dependencies cannot be added to it.`, {
      hint: 'Fix package.json (npm pkg get name reads it when it is valid), then run aero init again; nothing was written.',
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CreateError(CreateErrorCodes.FILES_EXIST, `${path} is not a JSON object, so the template's dependencies cannot be added to it.`, {
      hint: 'Fix package.json, then run aero init again; nothing was written.',
    });
  }
  for (const member of MAPS) {
    const v = (value as Record<string, unknown>)[member];
    if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
      throw new CreateError(CreateErrorCodes.FILES_EXIST, `${path} has \`${member}\` that is not an object, so the template's ${member} cannot be added to it.`, {
        hint: 'Fix package.json, then run aero init again; nothing was written.',
      });
    }
  }
  return value as Record<string, unknown>;
}

/** Replaces package.json atomically (temp file and rename): a reader sees the old or the new one. */
export async function writeProjectPackageJson(dir: string, value: Record<string, unknown>): Promise<void> {
  const path = join(dir, 'package.json');
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { flag: 'wx' });
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}
