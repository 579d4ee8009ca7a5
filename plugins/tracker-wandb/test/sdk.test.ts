// @wandb/sdk (the official JS client, 0.5.1) against the local protocol server.
// 1. It works: the server speaks the protocol the SDK speaks (an independent client).
// 2. Why the plugin does not send through it: measured here, not assumed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newTenant, serverState, setFaults, type TestTenant } from './helpers.js';

type SdkRun = { log(data: Record<string, unknown>, step?: number): void; finish(code?: number): Promise<void> };
type Sdk = { init(opts: Record<string, unknown>): Promise<SdkRun> };

const SIGNALS = ['SIGINT', 'SIGTERM', 'beforeExit'] as const;

/** wandb.init() installs process handlers (SIGINT calls process.exit); take them away again. */
async function init(t: TestTenant, opts: Record<string, unknown>, settings: Record<string, unknown> = {}): Promise<SdkRun> {
  const listeners = (s: (typeof SIGNALS)[number]) => process.listeners(s as 'SIGINT') as unknown[];
  const before = new Map(SIGNALS.map((s) => [s, new Set(listeners(s))]));
  const { default: wandb } = (await import('@wandb/sdk')) as unknown as { default: Sdk };
  const run = await wandb.init({ ...opts, settings: { apiKey: t.apiKey, baseUrl: t.baseUrl, silent: true, ...settings } });
  for (const s of SIGNALS) for (const l of listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l as () => void);
  return run;
}

describe('@wandb/sdk 0.5.1 against the protocol server', () => {
  afterEach(() => vi.restoreAllMocks());

  it('init/log/finish arrive: viewer query, UpsertBucket, file_stream history, summary and exit', async () => {
    const t = await newTenant();
    const run = await init(t, { project: 'sdk', name: 'hello', config: { lr: 0.1 } });
    run.log({ loss: 1 }, 0);
    run.log({ loss: 0.5 }, 1);
    await run.finish();
    const state = await serverState(t);
    expect(state.requests.filter((r) => r.kind === 'graphql').map((r) => r.operationName)).toEqual(['Viewer', 'UpsertBucket']);
    expect(state.runs).toHaveLength(1);
    const r = state.runs[0]!;
    expect(r).toMatchObject({ project: 'sdk', displayName: 'hello', config: { lr: 0.1 }, complete: true, exitcode: 0, state: 'finished' });
    expect(r.history.map((row) => [row!._step, row!.loss])).toEqual([
      [0, 1],
      [1, 0.5],
    ]);
    expect(r.summary).toMatchObject({ loss: 0.5 });
  });

  it('does not send group, job_type, tags or notes (its init only passes project, name, config)', async () => {
    const t = await newTenant();
    const run = await init(t, { project: 'sdk', name: 'grouped', group: 'g', job_type: 'train', tags: ['a'], notes: 'n' });
    await run.finish();
    const upsert = (await serverState(t)).requests.find((r) => r.operationName === 'UpsertBucket')!;
    expect(Object.keys(upsert.variables!).sort()).toEqual(['displayName', 'entity', 'name', 'project']);
    expect((await serverState(t)).runs[0]).toMatchObject({ group: null, jobType: null, tags: [], notes: null });
  });

  it('loses metrics silently when the file_stream answers 500 once (fetch resolves, nothing retries)', async () => {
    const t = await newTenant();
    await setFaults(t, [{ target: 'file_stream', status: 500, times: 1 }]);
    const run = await init(t, { project: 'sdk', name: 'lossy' });
    run.log({ loss: 1 }, 0);
    run.log({ loss: 0.5 }, 1);
    await expect(run.finish()).resolves.toBeUndefined();
    const r = (await serverState(t)).runs[0]!;
    expect(r.complete).toBe(true);
    expect(r.history).toEqual([]);
  });

  it('loses metrics when a connection drops (the error is printed, the record discarded)', async () => {
    const t = await newTenant();
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await setFaults(t, [{ target: 'file_stream', action: 'drop', times: 1 }]);
    const run = await init(t, { project: 'sdk', name: 'dropped' });
    run.log({ loss: 1 }, 0);
    await run.finish();
    expect(printed).toHaveBeenCalledWith('Fatal error: ', expect.anything());
    expect((await serverState(t)).runs[0]!.history).toEqual([]);
  });

  it('in offline mode still contacts the service and keeps no copy of the metrics', async () => {
    const t = await newTenant();
    const run = await init(t, { project: 'sdk', name: 'offline' }, { offline: true });
    run.log({ loss: 1 }, 0);
    await run.finish();
    const state = await serverState(t);
    expect(state.requests.filter((r) => r.kind === 'graphql').map((r) => r.operationName)).toEqual(['Viewer', 'UpsertBucket']);
    expect(state.runs[0]!.history).toEqual([]);
  });
});
