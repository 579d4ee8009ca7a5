import { readdir } from 'node:fs/promises';

/**
 * The names (run ids) of the run folders under `runsRoot`, sorted (files there are skipped); none when that folder does
 * not exist yet (a project that never ran). For what visits every run's folder: a tracker's
 * `sync` looking for spools, the clean-up of stale scratch folders.
 */
export async function runFolderNames(runsRoot: string): Promise<string[]> {
  try {
    // Folders only: a stray file there (`.DS_Store`, a note) is no run.
    return (await readdir(runsRoot, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
