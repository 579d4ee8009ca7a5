// A W&B server that is not there (its port is closed): each request gets
// `retry.unansweredAttempts` attempts, not `retry.attempts`, so a command pays well
// under a second instead of the whole backoff, and the ops stay spooled for `aero sync`.
import { describe, expect, it } from 'vitest';
import { WandbClient } from '../src/client.js';
import { closedPort } from '@aeroml/test-utils';

describe('an unreachable W&B server', () => {
  it('gets unansweredAttempts attempts per request, then the request gives up with the cause', async () => {
    const port = await closedPort();
    const waits: number[] = [];
    const client = new WandbClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: 'k'.repeat(40),
      timeoutMs: 5_000,
      retry: { attempts: 6, minDelayMs: 1, maxDelayMs: 2, unansweredAttempts: 3 },
      userAgent: 'test',
      sleep: async (ms) => void waits.push(ms),
    });
    const error = await client.graphql('Viewer', '{ viewer { entity } }', {}).then(() => null, (e: unknown) => e as Error & { kind: string });
    expect(client.stats).toEqual({ requests: 3, retries: 2 });
    expect(waits).toHaveLength(2);
    expect(error!.kind).toBe('transient');
    expect(error!.message).toMatch(/^Viewer: .*ECONNREFUSED.*, gave up after 3 attempts$/);
  });

  it('defaults to 2 such attempts (a server that answers 5xx still gets all of retry.attempts)', async () => {
    const { parseOptions } = await import('../src/options.js');
    expect(parseOptions({}).retry).toEqual({ attempts: 6, minDelayMs: 500, maxDelayMs: 30_000, unansweredAttempts: 2 });
  });
});
