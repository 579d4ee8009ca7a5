import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AeroError } from '@aeroml/core';
import { wandbTracker } from '../src/index.js';
import { fastRetry, newTenant, runsOf, serverState, setFaults, workspace, type Workspace } from './helpers.js';
import { expectPipelineOnServer, runPipeline } from './pipeline.js';

describe('outages injected by the protocol server', () => {
  let ws: Workspace | undefined;
  afterEach(async () => {
    await ws?.cleanup();
    ws = undefined;
  });

  it('retries 429, 5xx and dropped connections and still delivers everything exactly once, in order', async () => {
    const tenant = await newTenant();
    ws = await workspace();
    const faults = [
      { target: 'graphql', operation: 'Viewer', status: 503, times: 1 },
      { target: 'graphql', operation: 'UpsertBucket', status: 429, retryAfter: 0, times: 3 },
      { target: 'graphql', operation: 'UpsertBucket', action: 'drop-after', skip: 4, times: 1 },
      { target: 'file_stream', status: 503, skip: 1, times: 2 },
      { target: 'file_stream', action: 'drop', skip: 3, times: 2 },
      // Processed, but the response is lost: the resend must not duplicate history lines.
      { target: 'file_stream', action: 'drop-after', skip: 5, times: 3 },
      { target: 'graphql', operation: 'CreateArtifact', action: 'drop', times: 1 },
      { target: 'graphql', operation: 'CreateArtifact', action: 'drop-after', skip: 1, times: 1 },
      { target: 'graphql', operation: 'CreateArtifactFiles', status: 500, times: 1 },
      { target: 'storage', status: 500, times: 1 },
      { target: 'storage', action: 'drop-after', skip: 1, times: 1 },
      { target: 'graphql', operation: 'CommitArtifact', action: 'drop-after', times: 1 },
      { target: 'graphql', operation: 'UseArtifact', status: 502, times: 1 },
      { target: 'graphql', operation: 'UseArtifact', action: 'drop-after', skip: 1, times: 1 },
    ] as const;
    await setFaults(tenant, [...faults]);
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry, flushIntervalMs: 10 });
    const p = await runPipeline(tracker, ws);
    await tracker.flush();
    await tracker.close();
    const state = await serverState(tenant);
    expect(state.faults.map((f) => [f.id, f.remaining])).toEqual(faults.map((_, i) => [`fault-${i + 1}`, 0]));
    expectPipelineOnServer(state, p);
    // Each file_stream post whose response was lost was sent again, with the same offsets,
    // and the history above has no duplicate: the resend overwrote the same lines.
    const lost = state.requests.filter((r) => r.kind === 'file_stream' && r.status === 'dropped-after-processing');
    expect(lost).toHaveLength(3);
    for (const request of lost) {
      const files = request.body!.files as Record<string, { offset: number }>;
      const resent = state.requests.find((r) => r.seq > request.seq && r.kind === 'file_stream' && r.run === request.run && r.status === 200);
      expect(resent, `resend of request ${request.seq}`).toBeDefined();
      for (const [name, chunk] of Object.entries(files)) expect((resent!.body!.files as Record<string, { offset: number }>)[name]?.offset).toBe(chunk.offset);
    }
    expect(runsOf(state, p.run.runId).size).toBe(5);
    expect(state.uses).toHaveLength(4);
    expect(new Set(state.uses.map((u) => `${u.run}/${u.artifactId}`)).size).toBe(4);
  });

  it('keeps everything spooled through an outage longer than its retries, says so, and syncs later', async () => {
    const tenant = await newTenant();
    ws = await workspace();
    await setFaults(tenant, [{ target: '*', status: 503, times: 1_000_000 }]);
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: { attempts: 2, minDelayMs: 1, maxDelayMs: 5 }, flushIntervalMs: 10 });
    const p = await runPipeline(tracker, ws);
    const spool = join(p.run.runDir, 'wandb');
    const error = (await tracker.flush().catch((e: unknown) => e)) as AeroError;
    expect(error).toBeInstanceOf(AeroError);
    expect(error.code).toBe('WANDB_UNREACHABLE');
    expect(error.plugin).toBe('@aeroml/tracker-wandb');
    expect(error.message).toMatch(new RegExp(`^Could not reach W&B at ${tenant.baseUrl.replace(/[.]/g, '\\.')} \\(Viewer: HTTP 503: .*, gave up after 2 attempts\\); \\d+ operations stay spooled in ${spool.replace(/[.]/g, '\\.')}\\. Run \`aero sync wandb\` once the service is reachable\\.$`));
    await expect(tracker.close()).rejects.toMatchObject({ code: 'WANDB_UNREACHABLE' });
    expect((await serverState(tenant)).runs).toEqual([]);

    await setFaults(tenant, []);
    const syncer = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry });
    const result = await syncer.sync!({ runsRoot: ws.runsRoot });
    expect(result.remaining).toBe(0);
    expect(result.pushed).toBeGreaterThan(20);
    expectPipelineOnServer(await serverState(tenant), p);
    expect(await syncer.sync!({ runsRoot: ws.runsRoot })).toEqual({ pushed: 0, remaining: 0 });
  });

  it('resumes after a crash: a torn last spool line is ignored and the rest is uploaded once', async () => {
    const tenant = await newTenant();
    ws = await workspace();
    // First attempt: half the ops go through, then the connection drops for good.
    await setFaults(tenant, [{ target: '*', action: 'drop', skip: 12, times: 1_000_000 }]);
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: { attempts: 2, minDelayMs: 1, maxDelayMs: 5 }, flushIntervalMs: 0 });
    const p = await runPipeline(tracker, ws);
    await expect(tracker.close()).rejects.toMatchObject({ code: 'WANDB_UNREACHABLE' });
    const partial = await serverState(tenant);
    expect(partial.runs.length).toBeGreaterThan(0);
    // The process died while appending: the last line is cut short.
    await appendFile(join(p.run.runDir, 'wandb', 'outbox.jsonl'), '{"seq":999,"type":"history","run":{"proj');
    await setFaults(tenant, []);
    const fresh = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry });
    expect((await fresh.sync!({ runsRoot: ws.runsRoot })).remaining).toBe(0);
    expectPipelineOnServer(await serverState(tenant), p);
  });
});
