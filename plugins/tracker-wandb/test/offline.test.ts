import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AeroError } from '@aeroml/core';
import { wandbTracker } from '../src/index.js';
import { fastRetry, newTenant, serverState, workspace, type Workspace } from './helpers.js';
import { expectPipelineOnServer, runPipeline } from './pipeline.js';

const ENV_KEYS = ['WANDB_API_KEY', 'WANDB_MODE', 'WANDB_BASE_URL', 'WANDB_ENTITY', 'NETRC'] as const;

describe('offline, no API key and --dev', () => {
  let ws: Workspace;
  const saved: Record<string, string | undefined> = {};
  beforeEach(async () => {
    ws = await workspace();
    for (const key of ENV_KEYS) {
      saved[key] = process.env[key];
      delete process.env[key];
    }
    process.env.NETRC = join(ws.root, 'no-netrc');
  });
  afterEach(async () => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await ws.cleanup();
  });

  it('offline mode spools everything without contacting W&B; sync uploads it once', async () => {
    const tenant = await newTenant();
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, mode: 'offline' });
    const p = await runPipeline(tracker, ws);
    await tracker.flush();
    await tracker.close();
    expect((await serverState(tenant)).requests).toEqual([]);
    const outbox = (await readFile(join(p.run.runDir, 'wandb', 'outbox.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(outbox[0]!)).toMatchObject({ type: 'header', runId: p.run.runId });
    const ops = outbox.slice(1).map((line) => JSON.parse(line) as { type: string });
    expect(ops.filter((op) => op.type === 'history').length).toBeGreaterThan(0);
    expect(ops.filter((op) => op.type === 'artifact')).toHaveLength(8);

    const syncer = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry });
    expect(await syncer.sync!({ runsRoot: ws.runsRoot })).toEqual({ pushed: ops.length, remaining: 0 });
    expectPipelineOnServer(await serverState(tenant), p);
    expect(await syncer.sync!({ runsRoot: ws.runsRoot })).toEqual({ pushed: 0, remaining: 0 });
  });

  it('WANDB_MODE=offline is honoured', async () => {
    const tenant = await newTenant();
    process.env.WANDB_MODE = 'offline';
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey });
    await runPipeline(tracker, ws);
    await tracker.close();
    expect((await serverState(tenant)).requests).toEqual([]);
  });

  it('without an API key it spools, says so, and `sync` uploads once a key is given', async () => {
    const tenant = await newTenant();
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl });
    const p = await runPipeline(tracker, ws);
    const spool = join(p.run.runDir, 'wandb');
    const error = (await tracker.flush().catch((e: unknown) => e)) as AeroError;
    expect(error).toBeInstanceOf(AeroError);
    expect(error.code).toBe('WANDB_NO_API_KEY');
    expect(error.message).toMatch(new RegExp(`^No W&B API key found, so nothing was sent: \\d+ operations are spooled in ${spool.replace(/[.]/g, '\\.')}\\. Set WANDB_API_KEY \\(or \`apiKey\` in wandbTracker\\) and run \`aero sync wandb\` to upload them\\.$`));
    expect(error.hint).toBe('To only spool on purpose, set `mode: "offline"` (or WANDB_MODE=offline).');
    await expect(tracker.close()).rejects.toMatchObject({ code: 'WANDB_NO_API_KEY' });

    const keyless = wandbTracker({ baseUrl: tenant.baseUrl });
    await expect(keyless.sync!({ runsRoot: ws.runsRoot })).rejects.toMatchObject({
      code: 'WANDB_NO_API_KEY',
      message: 'No W&B API key found, so `aero sync wandb` cannot upload the spooled runs.',
    });
    expect((await serverState(tenant)).requests).toEqual([]);

    process.env.WANDB_API_KEY = tenant.apiKey;
    const withKey = wandbTracker({ baseUrl: tenant.baseUrl, retry: fastRetry });
    expect((await withKey.sync!({ runsRoot: ws.runsRoot })).remaining).toBe(0);
    expectPipelineOnServer(await serverState(tenant), p);
  });

  it('finds the API key in the netrc entry for the API host, as W&B clients do', async () => {
    const tenant = await newTenant();
    const offline = wandbTracker({ baseUrl: tenant.baseUrl, mode: 'offline' });
    const p = await runPipeline(offline, ws);
    await offline.close();
    const netrc = join(ws.root, 'netrc');
    await writeFile(netrc, `machine api.wandb.ai\n  login user\n  password not-this-one\nmachine 127.0.0.1\n  login user\n  password ${tenant.apiKey}\n`);
    process.env.NETRC = netrc;
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, retry: fastRetry });
    expect((await tracker.sync!({ runsRoot: ws.runsRoot })).remaining).toBe(0);
    expectPipelineOnServer(await serverState(tenant), p);
  });

  it('--dev runs never contact W&B and leave no spool', async () => {
    const tenant = await newTenant();
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, flushIntervalMs: 0 });
    const p = await runPipeline(tracker, ws, { dev: true });
    await tracker.flush();
    await tracker.close();
    expect(existsSync(join(p.run.runDir, 'wandb'))).toBe(false);
    expect((await serverState(tenant)).requests).toEqual([]);
    expect(await tracker.sync!({ runsRoot: ws.runsRoot })).toEqual({ pushed: 0, remaining: 0 });
  });

  it('mode "disabled" records nothing', async () => {
    const tenant = await newTenant();
    const tracker = wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, mode: 'disabled' });
    const p = await runPipeline(tracker, ws);
    await tracker.close();
    expect(existsSync(join(p.run.runDir, 'wandb'))).toBe(false);
    expect((await serverState(tenant)).requests).toEqual([]);
  });
});
