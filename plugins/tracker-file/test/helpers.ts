import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActionInfo, RunInfo } from '@aeroml/core';
import { trackerActionInfo } from '@aeroml/test-utils';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

export function runInfo(runDir: string, runId = 'r1', extra: Partial<RunInfo> = {}): RunInfo {
  return { runId, project: 'p', runName: `${runId}-name`, startedAt: '2026-11-22T00:00:00.000Z', params: { model: { lr: 0.1 } }, tags: { who: 'me' }, runDir, dev: false, ...extra };
}

export function actionInfo(runDir: string, instanceId: string, extra: Partial<ActionInfo> = {}): ActionInfo {
  return trackerActionInfo({ runId: 'r1', runDir }, instanceId, extra);
}
