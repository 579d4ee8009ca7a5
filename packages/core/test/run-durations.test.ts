import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAero, defineAction, defineConfig } from '../src/index.js';
import { memoryStore } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('instance durations', () => {
  it('count from when the job starts, not from when the instance began to wait for a slot', async () => {
    // Only Date is faked: the clock moves when `slow` says so, nothing waits on it.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const slow = defineAction({
      name: 'slow',
      async run() {
        vi.setSystemTime(Date.now() + 60_000); // a minute of work
      },
    });
    const quick = defineAction({ name: 'quick', async run() {} });
    const aero = await createAero({ cwd: await mkdtemp(join(tmpdir(), 'aero-durations-')), config: defineConfig({ actions: [slow, quick], concurrency: 1, plugins: [memoryStore()] }) });
    const summary = await aero.run();
    const duration = (id: string) => summary.record.actions.find((a) => a.id === id)!.durationMs;
    expect(duration('slow')).toBe(60_000);
    // `quick` waited the minute for the one slot, and took no time itself.
    expect(duration('quick')).toBe(0);
  });
});
