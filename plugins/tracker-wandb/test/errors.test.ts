import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AeroError } from '@aeroml/core';
import { wandbTracker, WandbErrorCodes } from '../src/index.js';
import { fastRetry, newTenant, runInfo, serverState, setFaults, workspace, type Workspace } from './helpers.js';
import { expectPipelineOnServer, runPipeline } from './pipeline.js';

async function failure(promise: Promise<unknown>): Promise<AeroError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AeroError);
  expect((error as AeroError).plugin).toBe('@aeroml/tracker-wandb');
  return error as AeroError;
}

describe('errors users can see', () => {
  let ws: Workspace;
  const savedEntity = process.env.WANDB_ENTITY;
  beforeEach(async () => {
    ws = await workspace();
    delete process.env.WANDB_ENTITY;
  });
  afterEach(async () => {
    if (savedEntity !== undefined) process.env.WANDB_ENTITY = savedEntity;
    await ws.cleanup();
  });

  it('PLUGIN_OPTIONS_INVALID lists every problem with its dot path', () => {
    let error: AeroError | undefined;
    try {
      wandbTracker({ project: 'a/b', retry: { attempts: 0 }, mode: 'sometimes' as 'online', colour: 'blue' } as never);
    } catch (e) {
      error = e as AeroError;
    }
    expect(error).toBeInstanceOf(AeroError);
    expect(error!.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(error!.plugin).toBe('@aeroml/tracker-wandb');
    expect(error!.message.split('\n')).toEqual([
      'Invalid options for wandbTracker():',
      '  - `project`: W&B project names may not contain / \\ # ? % :',
      '  - `mode`: Invalid option: expected one of "online"|"offline"|"disabled"',
      '  - `retry.attempts`: Too small: expected number to be >=1',
      '  - `colour`: unknown option.',
    ]);
    expect(error!.hint).toBe('Fix the listed options where wandbTracker() is created in aero.config.ts; the Options section of the @aeroml/tracker-wandb README lists every option.');
    expect(() => wandbTracker({ retry: { atempts: 3 } } as never)).toThrow('\n  - `retry.atempts`: unknown option. Did you mean `attempts`?');
  });

  it('WANDB_AUTH_FAILED when the key is refused; the spool survives for a later sync', async () => {
    const tenant = await newTenant();
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: 'f'.repeat(40), retry: fastRetry, flushIntervalMs: 0 });
    const p = await runPipeline(tracker, ws);
    const error = await failure(tracker.flush());
    expect(error.code).toBe(WandbErrorCodes.WANDB_AUTH_FAILED);
    expect(error.message).toMatch(
      new RegExp(`^W&B at ${tenant.baseUrl.replace(/\./g, '\\.')} rejected the API key from the \`apiKey\` option \\(Viewer: HTTP 401: user is not logged in\\); \\d+ operations stay spooled in ${join(p.run.runDir, 'wandb').replace(/\./g, '\\.')}\\.$`),
    );
    expect(error.hint).toBe('Check the key (wandb.ai/authorize), then run `aero sync wandb`.');
    const wrong = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: 'e'.repeat(40), retry: fastRetry });
    const syncError = await failure(wrong.sync!({ runsRoot: ws.runsRoot }));
    expect(syncError.code).toBe('WANDB_AUTH_FAILED');
    expect(syncError.message).toBe(`W&B at ${tenant.baseUrl} rejected the API key from the \`apiKey\` option (Viewer: HTTP 401: user is not logged in); nothing more was synced.`);
    const right = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry });
    expect((await right.sync!({ runsRoot: ws.runsRoot })).remaining).toBe(0);
    expectPipelineOnServer(await serverState(tenant), p);
  });

  it('WANDB_REQUEST_REJECTED keeps refused operations, delivers the others, and sync retries them', async () => {
    const tenant = await newTenant();
    // The service refuses one artifact creation (a 400 is not retried).
    await setFaults(tenant, [{ target: 'graphql', operation: 'CreateArtifact', status: 400, skip: 2, times: 1 }]);
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry, flushIntervalMs: 0 });
    const p = await runPipeline(tracker, ws);
    const error = await failure(tracker.close());
    expect(error.code).toBe(WandbErrorCodes.WANDB_REQUEST_REJECTED);
    expect(error.message).toMatch(/^W&B refused 1 operations \(first, op \d+: CreateArtifact: HTTP 400: An internal error occurred\. Please contact support\.\); they stay spooled in .*wandb\.$/);
    expect(error.hint).toBe('Fix the cause (permissions, names), then run `aero sync wandb` to retry them.');
    const partial = await serverState(tenant);
    expect(partial.runs.filter((r) => r.complete)).toHaveLength(5);
    const again = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry });
    expect(await again.sync!({ runsRoot: ws.runsRoot })).toEqual({ pushed: 1, remaining: 0 });
    expectPipelineOnServer(await serverState(tenant), p);
  });

  it('WANDB_REQUEST_REJECTED names the refusal when the entity is not the user’s', async () => {
    const tenant = await newTenant();
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, entity: 'someone-else', retry: fastRetry, flushIntervalMs: 0 });
    await runPipeline(tracker, ws);
    const error = await failure(tracker.close());
    expect(error.code).toBe('WANDB_REQUEST_REJECTED');
    expect(error.message).toContain('UpsertBucket: HTTP 403: permission denied: you are not a member of entity "someone-else"');
    // The entity is resolved when sending, so fixing the config and syncing delivers everything.
    const fixed = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, entity: tenant.team, retry: fastRetry });
    expect((await fixed.sync!({ runsRoot: ws.runsRoot })).remaining).toBe(0);
    expect((await serverState(tenant)).runs.every((r) => r.entity === tenant.team && r.complete)).toBe(true);
  });

  it('WANDB_ENTITY_UNKNOWN when neither the options nor the user name an entity', async () => {
    const tenant = await newTenant({ noDefaultEntity: true });
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry, flushIntervalMs: 0 });
    await runPipeline(tracker, ws);
    const error = await failure(tracker.flush());
    expect(error.code).toBe('WANDB_ENTITY_UNKNOWN');
    expect(error.message).toBe('W&B did not say which entity the API key belongs to, so the tracker does not know where to log.');
    expect(error.hint).toBe('Set `entity` in wandbTracker({...}) or the WANDB_ENTITY environment variable.');
  });

  it('WANDB_SPOOL_CORRUPT when a spool line other than the last cannot be read', async () => {
    const tenant = await newTenant();
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, mode: 'offline' });
    const p = await runPipeline(tracker, ws);
    await tracker.close();
    const outbox = join(p.run.runDir, 'wandb', 'outbox.jsonl');
    const lines = (await readFile(outbox, 'utf8')).split('\n');
    lines[3] = '{"seq": 3, "type": "hist';
    await writeFile(outbox, lines.join('\n'));
    const error = await failure(wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey }).sync!({ runsRoot: ws.runsRoot }));
    expect(error.code).toBe('WANDB_SPOOL_CORRUPT');
    expect(error.message).toBe(`The W&B spool ${outbox} has an unreadable line 4; the operations after it cannot be replayed safely.`);
    expect(error.hint).toBe('Inspect the file: every line must be one JSON object. Remove or repair the damaged line, then run `aero sync wandb` again.');
    const state = join(p.run.runDir, 'wandb', 'state.json');
    await writeFile(outbox, lines.filter((_, i) => i !== 3).join('\n'));
    await writeFile(state, '{not json');
    const stateError = await failure(wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey }).sync!({ runsRoot: ws.runsRoot }));
    expect(stateError.code).toBe('WANDB_SPOOL_CORRUPT');
    expect(stateError.message).toBe(`The W&B spool state ${state} cannot be read.`);
  });

  it('WANDB_RUN_NOT_STARTED for calls about a run or instance that was never started', async () => {
    const tracker = wandbTracker({ mode: 'offline' });
    const error = await failure(tracker.logMetrics({ runId: 'r-1' }, [{ name: 'x', value: 1, step: 0, timestamp: 0 }]));
    expect(error.code).toBe('WANDB_RUN_NOT_STARTED');
    expect(error.message).toBe('The W&B tracker got a call for run r-1, which startRun() never opened.');
    const run = runInfo(ws);
    await tracker.startRun(run);
    const instanceError = await failure(tracker.setTags({ runId: run.runId, instanceId: 'train' }, { a: 'b' }));
    expect(instanceError.message).toBe(`The W&B tracker got a call for action instance train of run ${run.runId}, which startAction() never opened.`);
    expect(instanceError.hint).toBe('Call tracker.startAction(action) before logging for that instance.');
    await tracker.close();
  });
});
