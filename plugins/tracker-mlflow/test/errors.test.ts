// Every error the plugin raises, against the real server where one is involved.
import { createServer, type Server } from 'node:http';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection as caught } from '@aeroml/test-utils';
import { inject } from 'vitest';
import { MlflowClient, mlflowTracker } from '../src/index.js';
import { actionInfo, captureLogger, makeProject, rid, runInfo, storeArtifact } from './support/fixtures.js';
import { freePort } from './support/server.js';

const { trackingUri } = inject('mlflow');
const client = new MlflowClient({ trackingUri });

describe('errors', () => {
  let project: Awaited<ReturnType<typeof makeProject>>;
  let html: Server;
  let htmlUri = '';

  beforeAll(async () => {
    project = await makeProject();
    // Something that is not MLflow answering on loopback (a UI proxy, a wrong port).
    html = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    htmlUri = `http://127.0.0.1:${(html.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    html?.close();
    if (project) await rm(project.root, { recursive: true, force: true });
  });

  it('MLFLOW_RUN_NOT_STARTED and MLFLOW_ACTION_NOT_STARTED name the missing call', async () => {
    const t = mlflowTracker({ trackingUri });
    const e1 = await caught(t.logMetrics({ runId: 'r-unknown' }, []));
    expect(e1).toMatchObject({ code: 'MLFLOW_RUN_NOT_STARTED', message: 'logMetrics: run r-unknown was not started on this MLflow tracker (startRun first).' });
    const run = runInfo(project.runsRoot);
    await t.startRun(run);
    const e2 = await caught(t.setTags({ runId: run.runId, instanceId: 'ghost' }, { a: 'b' }));
    expect(e2).toMatchObject({ code: 'MLFLOW_ACTION_NOT_STARTED', message: `setTags: action instance ghost of run ${run.runId} was not started on this MLflow tracker (startAction first).` });
    await t.close();
  });

  it('MLFLOW_SPOOL_LOCKED when a second live tracker opens the same run folder', async () => {
    const run = runInfo(project.runsRoot);
    const a = mlflowTracker({ trackingUri });
    const b = mlflowTracker({ trackingUri });
    await a.startRun(run);
    const e = await caught(b.startRun(run));
    expect(e.code).toBe('MLFLOW_SPOOL_LOCKED');
    expect(e.message).toBe(`Another live process is writing the MLflow spool in ${run.runDir}/mlflow; this tracker will not write to the same run.`);
    await a.close();
    await b.startRun(run); // free again once the first tracker closed
    await b.close();
  });

  it('MLFLOW_UNREACHABLE when nothing listens', async () => {
    const port = await freePort();
    const e = await caught(new MlflowClient({ trackingUri: `http://127.0.0.1:${port}` }).getExperimentByName('x'));
    expect(e).toMatchObject({ code: 'MLFLOW_UNREACHABLE', retryable: true });
    expect(e.message).toBe(`MLflow server at http://127.0.0.1:${port} is unreachable (GET experiments/get-by-name: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}).`);
  });

  it('MLFLOW_AUTH_FAILED when the server refuses the Host header (and the tracker keeps the events spooled)', async () => {
    const port = new URL(trackingUri).port;
    const viaMapped = `http://[::ffff:127.0.0.1]:${port}`;
    const e = await caught(new MlflowClient({ trackingUri: viaMapped }).getExperimentByName('x'));
    expect(e).toMatchObject({ code: 'MLFLOW_AUTH_FAILED', retryable: false });
    expect(e.message).toBe(`MLflow server at ${viaMapped} refused this Host header: GET experiments/get-by-name (HTTP 403): Invalid Host header - possible DNS rebinding attack detected.`);
    expect(e.hint).toContain('--allowed-hosts');
    const t = mlflowTracker({ trackingUri: viaMapped, flushTimeoutMs: 60_000 });
    const run = runInfo(project.runsRoot);
    await t.startRun(run);
    // Fatal errors are reported at once instead of retrying until the deadline.
    expect((await caught(t.flush())).code).toBe('MLFLOW_AUTH_FAILED');
    expect(t.pendingEvents(run.runId)).toBeGreaterThan(0);
    expect((await caught(t.close())).code).toBe('MLFLOW_AUTH_FAILED');
  });

  it('MLFLOW_REQUEST_FAILED carries the MLflow error code and message', async () => {
    const e = await caught(client.logBatch({ runId: 'no-such-run', metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] }));
    expect(e).toMatchObject({ code: 'MLFLOW_REQUEST_FAILED', errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
    expect(e.message).toBe('MLflow refused POST runs/log-batch (HTTP 404 RESOURCE_DOES_NOT_EXIST): Run with id=no-such-run not found.');
  });

  it('MLFLOW_RESPONSE_INVALID when the URL is not an MLflow server', async () => {
    const e = await caught(new MlflowClient({ trackingUri: htmlUri }).getExperimentByName('x'));
    expect(e.code).toBe('MLFLOW_RESPONSE_INVALID');
    expect(e.message).toBe(
      `trackingUri ${htmlUri} points at something that is not an MLflow tracking server: GET experiments/get-by-name answered HTTP 200 (an HTML page "login") instead of MLflow's REST API. Set trackingUri (or MLFLOW_TRACKING_URI) to the URL the MLflow server is served at.`,
    );
  });

  it('MLFLOW_EXPERIMENT_DELETED when the experiment is in the trash', async () => {
    const name = `aero-deleted-${rid()}`;
    const id = await client.createExperiment(name);
    const res = await fetch(`${trackingUri}/api/2.0/mlflow/experiments/delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_id: id }) });
    expect(res.ok).toBe(true);
    const t = mlflowTracker({ trackingUri, experimentName: name });
    const run = runInfo(project.runsRoot);
    await t.startRun(run);
    const e = await caught(t.flush());
    expect(e.code).toBe('MLFLOW_EXPERIMENT_DELETED');
    // A flush stopped by a fatal error says where the events are kept.
    expect(e.message).toBe(`MLflow experiment "${name}" (id ${id}) is deleted; runs cannot be logged to it. 1 MLflow event(s) stay spooled in ${run.runDir}/mlflow, not rejected; \`aero sync\` sends them once this is fixed.`);
    expect(e.hint).toBe(`Restore it (\`mlflow experiments restore --experiment-id ${id}\`), or set \`experimentName\` to another name. Events stay spooled until then.`);
    await caught(t.close());
  });

  it('MLFLOW_ARTIFACTS_NOT_PROXIED: the client refuses, the tracker records outputs as tags and warns', async () => {
    const e = await caught(client.uploadArtifact('s3://bucket/1/abc/artifacts', 'x.txt', 'x'));
    expect(e.code).toBe('MLFLOW_ARTIFACTS_NOT_PROXIED');
    expect(e.message).toBe("The run's artifact location s3://bucket/1/abc/artifacts is not served through the MLflow artifact proxy (upload x.txt).");
    // An experiment whose artifact root the server does not proxy.
    const name = `aero-unproxied-${rid()}`;
    const res = await fetch(`${trackingUri}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, artifact_location: `file://${project.root}/elsewhere` }),
    });
    expect(res.ok).toBe(true);
    const logger = captureLogger();
    const t = mlflowTracker({ trackingUri, experimentName: name, logger });
    const run = runInfo(project.runsRoot);
    await t.startRun(run);
    await t.startAction(actionInfo(run, 'prep'));
    const ref = await storeArtifact(project.aeroDir, 'prep.data', { 'a.txt': 'a' });
    await t.logArtifact({ runId: run.runId, instanceId: 'prep' }, ref, 'output');
    await t.flush();
    const child = await client.getRun(t.mlflowRunId({ runId: run.runId, instanceId: 'prep' })!);
    const tags = Object.fromEntries(child!.data.tags.map((x) => [x.key, x.value]));
    expect(tags).toMatchObject({ 'aero.output.prep.data': ref.digest, 'aero.output_storage.prep.data': 'reference' });
    expect(logger.lines.some((l) => l.level === 'warn' && /which the server does not proxy; artifacts are recorded as tags only/.test(l.message))).toBe(true);
    await t.close();
  });
});
