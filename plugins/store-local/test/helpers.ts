import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A fresh temp directory per test file. */
export function useTempDir(): { path(...parts: string[]): string } {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aero-store-local-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { path: (...parts) => join(dir, ...parts) };
}

/** The child-process tests run the built package, like a second `aero` process would. */
export function requireDist(): void {
  beforeAll(() => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      throw new Error('plugins/store-local/dist is missing: run `npm run build` in plugins/store-local before these tests (nx does it for `npm test` at the root).');
    }
  });
}

export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
