import { describeTracker } from '@aeroml/test-utils';
import { wandbTracker } from '../src/index.js';
import { fastRetry, newTenant, readBackFrom, serverState, type TestTenant } from './helpers.js';

// The shared Tracker suite, read back from what the protocol server recorded.
const online: { tenant?: TestTenant } = {};
describeTracker(
  'wandb (online, protocol server)',
  async () => {
    online.tenant ??= await newTenant();
    return wandbTracker({ baseUrl: online.tenant.baseUrl, apiKey: online.tenant.apiKey, mode: 'online', retry: fastRetry, flushIntervalMs: 50 });
  },
  { readBack: async ({ run }) => readBackFrom(await serverState(online.tenant!), run.runId) },
);

// The same lifecycle spooled offline, then uploaded by sync() as `aero sync wandb` does.
const offline: { tenant?: TestTenant } = {};
describeTracker(
  'wandb (offline spool, then sync)',
  async () => {
    offline.tenant ??= await newTenant();
    return wandbTracker({ baseUrl: offline.tenant.baseUrl, apiKey: offline.tenant.apiKey, mode: 'offline', retry: fastRetry });
  },
  {
    readBack: async ({ tracker, run }) => {
      const { remaining } = await tracker.sync!({ runDir: run.runDir, runsRoot: run.runDir.replace(/[/\\][^/\\]+$/, '') });
      if (remaining !== 0) throw new Error(`sync left ${remaining} operations`);
      return readBackFrom(await serverState(offline.tenant!), run.runId);
    },
  },
);
