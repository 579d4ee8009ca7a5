// The README's "MLflow and W&B at once" example, run: one engine, mlflowTracker() and
// wandbTracker() side by side, against the real MLflow server and the W&B protocol server.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAero, defineConfig } from '@aeroml/core';
import { mlflowTracker } from '@aeroml/tracker-mlflow';
import { wandbTracker } from '../src/index.js';
import { localStore } from '@aeroml/store-local';
import { evaluate, ingest, json, train } from './engine-fixtures.js';
import { fastRetry, metricsOf, newTenant, runsOf, serverState, workspace, type TestTenant, type Workspace } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function mlflowUri(): string {
  const script = join(ROOT, 'tools', 'mlflow', 'start.sh');
  try {
    execFileSync('bash', [script], { stdio: 'pipe', timeout: 15 * 60_000 });
  } catch (error) {
    throw new Error(`The MLflow server could not be started by ${script}: ${(error as Error).message}. Read .tools/mlflow/server.log.`);
  }
  const uri = /^MLFLOW_TRACKING_URI=(.+)$/m.exec(readFileSync(join(ROOT, '.tools', 'mlflow.env'), 'utf8'))?.[1]?.trim();
  if (!uri) throw new Error('.tools/mlflow.env has no MLFLOW_TRACKING_URI');
  return uri;
}

async function mlflow<T>(uri: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${uri}/api/2.0/mlflow/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`MLflow ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

describe('MLflow and W&B trackers at once', () => {
  let ws: Workspace;
  let tenant: TestTenant;
  let uri: string;
  beforeAll(async () => {
    uri = mlflowUri();
    ws = await workspace();
    tenant = await newTenant();
  }, 16 * 60_000);
  afterAll(async () => ws?.cleanup());

  it('both receive the whole run', async () => {
    const experiment = `aero-wandb-both-${Date.now()}`;
    const aero = await createAero({
      cwd: ws.root,
      config: defineConfig({
        project: 'linear',
        actions: [ingest, train, evaluate],
        plugins: [localStore({ dir: ws.aeroDir }), json, mlflowTracker({ trackingUri: uri, experimentName: experiment }), wandbTracker({ baseUrl: tenant.baseUrl, apiKey: tenant.apiKey, retry: fastRetry })],
      }),
    });
    const summary = await aero.run();
    await aero.close();
    expect(summary.status).toBe('succeeded');

    const wb = runsOf(await serverState(tenant), summary.runId);
    expect([...wb.keys()].sort()).toEqual(['', 'evaluate', 'ingest', 'train']);
    expect(metricsOf(wb.get('train')!).filter((m) => m.name === 'loss')).toHaveLength(40);

    const { experiment: exp } = await mlflow<{ experiment: { experiment_id: string } }>(uri, `experiments/get-by-name?experiment_name=${encodeURIComponent(experiment)}`);
    const { runs = [] } = await mlflow<{ runs?: { info: { run_id: string }; data: { metrics?: { key: string }[] } }[] }>(uri, 'runs/search', { experiment_ids: [exp.experiment_id], max_results: 100 });
    const withLoss = runs.filter((r) => r.data.metrics?.some((m) => m.key === 'loss'));
    expect(withLoss).toHaveLength(1);
    const history = await mlflow<{ metrics: unknown[] }>(uri, `metrics/get-history?run_id=${withLoss[0]!.info.run_id}&metric_key=loss&max_results=1000`);
    expect(history.metrics).toHaveLength(40);
  });
});
