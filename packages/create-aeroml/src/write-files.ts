import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CreateError, CreateErrorCodes } from './errors.js';
import type { RenderedFile } from './render.js';

/** Entries that do not make a folder "not empty" (a fresh `git init`). */
const IGNORED_IN_EMPTY = new Set(['.git']);

/** `npm create`: the folder must not exist or be empty. */
export async function checkEmptyTarget(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) throw new CreateError(CreateErrorCodes.TARGET_NOT_EMPTY, `${dir} exists and is a file, not a folder.`, { hint: 'Pick another folder name.' });
  const entries = (await readdir(dir)).filter((e) => !IGNORED_IN_EMPTY.has(e)).sort();
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
    throw new CreateError(CreateErrorCodes.TARGET_NOT_EMPTY, `${dir} is not empty (${shown}); create-aeroml only writes into a new or empty folder.`, {
      hint: 'Pick a new folder name, or run `aero init` inside an existing project folder to add only files it does not have.',
    });
  }
}

/** `aero init`: every file the template writes must be new. */
export async function checkNoClashes(dir: string, files: RenderedFile[]): Promise<void> {
  const clashes: string[] = [];
  for (const file of files) if (await stat(join(dir, file.path)).catch(() => null)) clashes.push(file.path);
  if (clashes.length > 0) {
    throw new CreateError(CreateErrorCodes.FILES_EXIST, `${dir} already has ${clashes.length === 1 ? 'a file' : 'files'} the template would write:\n${clashes.map((c) => `  - ${c}`).join('\n')}`, {
      hint: 'Move or rename them, then run aero init again; nothing was written.',
    });
  }
}

/**
 * Writes each file to a temp name and hard-links it into place: a reader never sees
 * half a file, and an existing file is never replaced (the link fails instead), even
 * if it appeared after the checks above.
 */
export async function writeNewFiles(dir: string, files: RenderedFile[]): Promise<void> {
  for (const file of files) {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, file.content, { flag: 'wx' });
    try {
      await link(tmp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new CreateError(CreateErrorCodes.FILES_EXIST, `${target} appeared while the project was being written; it was left as it is.`, { hint: 'Check what else writes into this folder, then run again.' });
      }
      throw error;
    } finally {
      await rm(tmp, { force: true });
    }
  }
}
