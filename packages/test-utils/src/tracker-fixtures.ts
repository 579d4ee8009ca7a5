import { join } from 'node:path';
import type { ActionInfo, RunInfo } from '@aeroml/core';

/**
 * The `ActionInfo` a tracker is given for instance `instanceId` of `run`: its action is
 * the instance id without a partition suffix (`evaluate[split=test]` → `evaluate`), its
 * folder `<run.runDir>/<instanceId>`, no params, not cached, cache key
 * `key-<instanceId>`. `overrides` replaces any field.
 */
export function trackerActionInfo(run: Pick<RunInfo, 'runId' | 'runDir'>, instanceId: string, overrides: Partial<ActionInfo> = {}): ActionInfo {
  return { runId: run.runId, instanceId, action: instanceId.replace(/\[.*$/, ''), cacheKey: `key-${instanceId}`, params: {}, dir: join(run.runDir, instanceId), cached: false, ...overrides };
}
