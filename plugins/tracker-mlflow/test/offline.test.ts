// A tracking server that is not there (its port is closed) must not hold every command
// for flushTimeoutMs: after `offlineAfterAttempts` unanswered attempts a flush (and
// close) leaves the events spooled for `aero sync` and says so.
import { describe, expect, it } from 'vitest';
import type { Logger } from '@aeroml/core';
import { mlflowTracker } from '../src/index.js';
import { actionInfo, useProject, runInfo } from './support/fixtures.js';
import { closedPort } from '@aeroml/test-utils';

describe('an unreachable MLflow server', () => {
  const project = useProject();

  it('gets offlineAfterAttempts attempts per flush and per close, then the events stay spooled', async () => {
    const port = await closedPort();
    // Each failed delivery attempt is one debug line of the session.
    const attempts: string[] = [];
    const logger: Logger = { debug: (m: string) => void (m.startsWith('mlflow: send failed') && attempts.push(m)), info: () => {}, warn: () => {}, error: () => {} };
    // A long deadline and batch delay: only flush and close send, and only the attempt limit stops them.
    const tracker = mlflowTracker({ trackingUri: `http://127.0.0.1:${port}`, experimentName: 'offline', flushTimeoutMs: 120_000, batchDelayMs: 600_000, retryDelayMs: 10, retryMaxDelayMs: 20, offlineAfterAttempts: 3, logger });
    const run = runInfo(project.runsRoot);
    await tracker.startRun(run);
    await tracker.startAction(actionInfo(run, 'train', { params: { lr: 0.1 } }));
    await tracker.logMetrics({ runId: run.runId, instanceId: 'train' }, [{ name: 'loss', value: 1, step: 0, timestamp: Date.now() }]);

    const flushed = await tracker.flush().then(() => null, (e: unknown) => e as { code: string; message: string; hint: string; plugin: string });
    expect(attempts).toHaveLength(3);
    expect(flushed).toMatchObject({ code: 'MLFLOW_SPOOLED', plugin: '@aeroml/tracker-mlflow', hint: 'Nothing is lost: when the server is back, `aero sync` sends them.' });
    expect(flushed!.message).toMatch(
      new RegExp(`^\\d+ MLflow event\\(s\\) are spooled, not sent: MLflow server at http://127\\.0\\.0\\.1:${port} is unreachable \\(.*\\) \\(gave up after 3 attempt\\(s\\)\\)\\. They are kept in ${run.runDir}/mlflow\\.$`),
    );
    // Known offline now: close tries once more (a background retry may fall in between).
    const closed = await tracker.close().then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(closed?.code).toBe('MLFLOW_SPOOLED');
    expect(closed!.message).toContain('(gave up after 1 attempt(s))');
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.length).toBeLessThanOrEqual(5);
  });
});
