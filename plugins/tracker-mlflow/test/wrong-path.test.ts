// A trackingUri with a wrong path on a real MLflow server (`/mlflow`, `/wrong/`) answers
// every request with the web server's HTML 404 page. That is not MLflow refusing the
// events: they must stay spooled (nothing in rejected.jsonl) and reach MLflow with
// `aero sync` once the URL is right. Only MLflow's JSON error body rejects for good.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, type AeroConfig } from '@aeroml/core';
import { rejection as caught } from '@aeroml/test-utils';
import { textHandlers } from '@aeroml/handler-text';
import { localStore } from '@aeroml/store-local';
import { MlflowClient, mlflowTracker } from '../src/index.js';
import { rid, useProject } from './support/fixtures.js';
import { readAeroRun } from './support/readback.js';

const { trackingUri } = inject('mlflow');
const client = new MlflowClient({ trackingUri });

const train = defineAction({
  name: 'train',
  group: 'model',
  type: 'train-model',
  version: '1',
  params: z.object({ lr: z.number().default(0.5) }),
  outputs: { model: { handler: 'json' } },
  async run({ params, outputs, log }) {
    for (let epoch = 0; epoch < 5; epoch++) log.metric('loss', params.lr / (epoch + 1), epoch);
    await outputs.model.write({ lr: params.lr });
  },
});

/** The message of MLFLOW_RESPONSE_INVALID for a wrong path on the shared server. */
const notMlflow = (uri: string, request: string) =>
  `trackingUri ${uri} points at something that is not an MLflow tracking server: ${request} answered HTTP 404 (an HTML page "404 Not Found") instead of MLflow's REST API. ` +
  `Set trackingUri (or MLFLOW_TRACKING_URI) to the URL the MLflow server is served at (perhaps ${trackingUri}).`;

describe('a trackingUri with a wrong path on a real MLflow server', () => {
  const project = useProject();

  it('keeps every event of the run spooled (none rejected) with MLFLOW_RESPONSE_INVALID, and aero sync with the right URL delivers them', async () => {
    const experiment = `aero-wrong-path-${rid()}`;
    const wrong = `${trackingUri}/mlflow`;
    const config: AeroConfig = {
      project: experiment,
      actions: [train],
      plugins: [localStore({ cwd: project.root }), textHandlers(), mlflowTracker({ trackingUri: wrong, flushTimeoutMs: 60_000 })],
    };
    const aero = await createAero({ cwd: project.root, config });
    const warnings: string[] = [];
    aero.on((event) => event.type === 'warning' && warnings.push(event.message));
    const result = await aero.run({ concurrency: 1 }).finally(() => aero.close());
    expect(result.status).toBe('succeeded');

    const spool = join(project.aeroDir, 'runs', result.runId, 'mlflow');
    const ops = (await readFile(join(spool, 'ops.jsonl'), 'utf8')).trim().split('\n');
    expect(ops.length).toBeGreaterThan(5);
    // What `aero run` prints: one line, the page's title instead of its HTML, what to do.
    expect(warnings).toEqual([
      `Tracker \`mlflow\` failed in flush: ${notMlflow(wrong, 'GET experiments/get-by-name')} ` +
        `${ops.length} MLflow event(s) stay spooled in ${spool}, not rejected; \`aero sync\` sends them once this is fixed. (the run continues).`,
    ]);
    expect(existsSync(join(spool, 'rejected.jsonl'))).toBe(false);
    // Nothing was acknowledged either (no state.json): every op is still due.
    expect(existsSync(join(spool, 'state.json'))).toBe(false);
    expect(await client.getExperimentByName(experiment)).toBeNull();

    // Still wrong: sync says so and keeps them; with the right URL it delivers all of them.
    const stillWrong = await mlflowTracker({ trackingUri: `${trackingUri}/wrong/` }).sync({ runsRoot: join(project.aeroDir, 'runs') });
    expect(stillWrong).toEqual({ pushed: 0, remaining: ops.length });
    expect(await mlflowTracker({ trackingUri }).sync({ runsRoot: join(project.aeroDir, 'runs') })).toEqual({ pushed: ops.length, remaining: 0 });
    expect(existsSync(join(spool, 'ops.jsonl'))).toBe(false);

    const tree = (await readAeroRun(client, experiment, result.runId))!;
    expect(tree, 'the run never reached MLflow').not.toBeNull();
    expect(tree.parent.run.info.status).toBe('FINISHED');
    expect(tree.parent.tags['aero.status']).toBe('succeeded');
    const child = tree.children.train!;
    expect(child.run.info.status).toBe('FINISHED');
    expect(child.params).toMatchObject({ lr: '0.5' });
    expect(child.metrics.filter((m) => m.key === 'loss').map((m) => [m.step, m.value])).toEqual([0, 1, 2, 3, 4].map((s) => [s, 0.5 / (s + 1)]));
    expect(child.tags['aero.output_storage.train.model']).toBe('upload');
  });

  it('MLFLOW_RESPONSE_INVALID (not MLFLOW_REQUEST_FAILED) for a POST to a wrong path with a trailing slash', async () => {
    const wrong = `${trackingUri}/wrong/`;
    const e = await caught(new MlflowClient({ trackingUri: wrong }).logBatch({ runId: 'r', metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] }));
    expect(e).toMatchObject({ code: 'MLFLOW_RESPONSE_INVALID', status: 404, retryable: false, errorCode: undefined });
    expect(e.message).toBe(notMlflow(wrong, 'POST runs/log-batch'));
    expect(e.hint).toBe('The REST API is under <trackingUri>/api/2.0/mlflow/ and the MLflow UI opens at <trackingUri>. The tracker keeps events spooled; once trackingUri is right, `aero sync` sends them.');
    // MLflow's own 404 (its JSON error body) is still a refusal of that request.
    const missing = await caught(client.logBatch({ runId: 'no-such-run', metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] }));
    expect(missing).toMatchObject({ code: 'MLFLOW_REQUEST_FAILED', errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
  });

  describe('answers of something else', () => {
    let other: Server;
    let otherUri = '';

    beforeAll(async () => {
      // A long, title-less HTML 404 page and a JSON 404 without MLflow's error_code (FastAPI's).
      other = createServer((req, res) => {
        if (req.url!.includes('runs/get')) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"detail":"Not Found"}');
          return;
        }
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end(`<!doctype html>\n<html><body>\n<h1>Nothing   here</h1>\n${'<p>filler line</p>\n'.repeat(300)}</body></html>`);
      });
      await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
      otherUri = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
    });

    afterAll(() => {
      other?.close();
    });

    it('quotes one short line of a page (120 characters at most), and treat a JSON 404 without error_code as not MLflow', async () => {
      const other404 = new MlflowClient({ trackingUri: otherUri });
      const page = await caught(other404.getExperimentByName('x'));
      expect(page.code).toBe('MLFLOW_RESPONSE_INVALID');
      expect(page.message).toBe(
        `trackingUri ${otherUri} points at something that is not an MLflow tracking server: GET experiments/get-by-name answered HTTP 404 (an HTML page "Nothing here ${'filler line '.repeat(8)}filler lin…") instead of MLflow's REST API. Set trackingUri (or MLFLOW_TRACKING_URI) to the URL the MLflow server is served at.`,
      );
      const json = await caught(other404.getRun('r'));
      expect(json.code).toBe('MLFLOW_RESPONSE_INVALID');
      expect(json.message).toContain('GET runs/get answered HTTP 404 ({"detail":"Not Found"}) instead of MLflow\'s REST API.');
    });
  });
});
