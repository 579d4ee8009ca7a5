import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { ActionInfo, RunInfo } from '@aeroml/core';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

export function useTempDir(): { path(...parts: string[]): string } {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aero-tracker-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { path: (...parts) => join(dir, ...parts) };
}

export function requireDist(): void {
  beforeAll(() => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      throw new Error('plugins/tracker-file/dist is missing: run `npm run build` in plugins/tracker-file before these tests (nx does it for `npm test` at the root).');
    }
  });
}

export function runInfo(runDir: string, runId = 'r1', extra: Partial<RunInfo> = {}): RunInfo {
  return { runId, project: 'p', runName: `${runId}-name`, startedAt: '2026-11-22T00:00:00.000Z', params: { model: { lr: 0.1 } }, tags: { who: 'me' }, runDir, dev: false, ...extra };
}

export function actionInfo(runDir: string, instanceId: string, extra: Partial<ActionInfo> = {}): ActionInfo {
  return { runId: 'r1', instanceId, action: instanceId.replace(/\[.*$/, ''), cacheKey: `key-${instanceId}`, params: {}, dir: join(runDir, instanceId), cached: false, ...extra };
}

export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
