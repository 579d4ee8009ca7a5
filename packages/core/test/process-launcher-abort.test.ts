import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processLauncher, silentLogger, type JobSpec } from '../src/index.js';

// A run cancelled between scheduling an instance and handing it to the launcher (Ctrl-C
// right after `… started`) must still stop the worker: an 'abort' listener added to an
// already aborted signal never fires, and the worker used to run on for good.
describe('process launcher', () => {
  it('stops a worker submitted after the run was cancelled', async () => {
    const jobDir = await mkdtemp(join(tmpdir(), 'aero-proc-abort-'));
    const spec = { schema: 1, jobId: 'j', runId: 'r', instanceId: 'wait', action: 'wait', params: {}, cacheKey: 'k', inputs: {}, outputs: {}, resources: {}, cwd: jobDir, configFile: '', jobDir, env: {}, overrides: [], dev: false } as JobSpec;
    const controller = new AbortController();
    controller.abort();
    const launcher = processLauncher({ killGraceMs: 100 });
    // A "worker" that would run for ten minutes unless stopped.
    const [result] = launcher.submit([spec], { signal: controller.signal, emit: () => {}, logger: silentLogger, execCommand: [process.execPath, '-e', 'setTimeout(() => {}, 600000)', '--'] });
    const done = await result!;
    expect(done.ok).toBe(false);
    expect(done.error?.code).toBe('INTERRUPTED');
    expect(done.error?.message).toBe('the worker process for `wait` was killed by SIGTERM.');
  });
});
