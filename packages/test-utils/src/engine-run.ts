import { join } from 'node:path';
import { createAero, type AeroConfig, type RunSummary, type Store } from '@aeroml/core';

/**
 * Runs `config` in `cwd` through the real engine twice (the second run should be served
 * from the cache) and closes it: what a plugin's engine test checks its artifacts after.
 */
export async function runEngineTwice(cwd: string, config: AeroConfig): Promise<{ first: RunSummary; second: RunSummary }> {
  const aero = await createAero({ cwd, config });
  try {
    const first = await aero.run();
    const second = await aero.run();
    return { first, second };
  } finally {
    await aero.close();
  }
}

/**
 * The files behind every key under `prefix` of a local store whose root is `root`
 * (`<root>/<key>`), e.g. the blob files of `objects/` for a reference reader to open.
 */
export async function storedFiles(store: Store, root: string, prefix = 'objects/'): Promise<string[]> {
  const files: string[] = [];
  for await (const key of store.list(prefix)) files.push(join(root, key));
  return files;
}
