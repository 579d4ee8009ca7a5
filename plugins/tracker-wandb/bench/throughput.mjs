#!/usr/bin/env node
// Throughput of metrics through wandbTracker to the local W&B protocol server, against a
// baseline measured in the same run: the same history lines POSTed straight to file_stream
// (no spool, no batching logic). Needs a build (`npm run build`) and the server
// (`bash tools/wandb-server/start.sh`).   node plugins/tracker-wandb/bench/throughput.mjs [points] [rounds]
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const { wandbTracker } = await import(join(here, '..', 'dist', 'index.js'));
const base = /^WANDB_TEST_BASE_URL=(.+)$/m.exec(readFileSync(join(here, '..', '..', '..', '.tools', 'wandb-server.env'), 'utf8'))[1];
const POINTS = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const BATCH = 1000;

const tenant = async () => (await fetch(`${base}/_test/tenants`, { method: 'POST' })).json();
const forget = (t) => fetch(`${base}/_test/tenants/${t.apiKey}`, { method: 'DELETE' });
const batchAt = (start) => Array.from({ length: BATCH }, (_, i) => ({ name: 'loss', value: 1 / (start + i + 1), step: start + i, timestamp: Date.now() }));

async function viaTracker(mode) {
  const t = await tenant();
  const root = await mkdtemp(join(tmpdir(), 'aero-wandb-bench-'));
  const tracker = wandbTracker({ baseUrl: base, apiKey: t.apiKey, mode, flushIntervalMs: 200 });
  const run = { runId: `bench-${Date.now()}`, project: 'bench', runName: 'bench', startedAt: new Date().toISOString(), params: {}, tags: {}, runDir: join(root, '.aero', 'runs', 'r'), dev: false };
  const scope = { runId: run.runId, instanceId: 'train' };
  const t0 = performance.now();
  await tracker.startRun(run);
  await tracker.startAction({ runId: run.runId, instanceId: 'train', action: 'train', cacheKey: 'k', params: {}, dir: join(run.runDir, 'train'), cached: false });
  for (let s = 0; s < POINTS; s += BATCH) await tracker.logMetrics(scope, batchAt(s));
  await tracker.endAction(scope, { status: 'ran', durationMs: 1 });
  await tracker.endRun({ runId: run.runId }, { status: 'succeeded', durationMs: 1 });
  await tracker.close();
  const ms = performance.now() - t0;
  await forget(t);
  await rm(root, { recursive: true, force: true });
  return ms;
}

async function direct() {
  const t = await tenant();
  const auth = `Basic ${Buffer.from(`api:${t.apiKey}`).toString('base64')}`;
  const headers = { authorization: auth, 'content-type': 'application/json' };
  const t0 = performance.now();
  await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: 'mutation U($n: String, $e: String) { upsertBucket(input: { name: $n, modelName: "bench", entityName: $e }) { bucket { id } } }', variables: { n: 'r', e: t.entity } }) });
  for (let s = 0; s < POINTS; s += BATCH) {
    const content = batchAt(s).map((p) => JSON.stringify({ _step: p.step, _timestamp: p.timestamp / 1000, loss: p.value }));
    const res = await fetch(`${base}/files/${t.entity}/bench/r/file_stream`, { method: 'POST', headers, body: JSON.stringify({ files: { 'wandb-history.jsonl': { offset: s, content } } }) });
    await res.arrayBuffer();
  }
  await fetch(`${base}/files/${t.entity}/bench/r/file_stream`, { method: 'POST', headers, body: JSON.stringify({ complete: true, exitcode: 0 }) });
  const ms = performance.now() - t0;
  await forget(t);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = { 'direct file_stream POSTs (baseline)': [], 'wandbTracker online (spool + send)': [], 'wandbTracker offline (spool only)': [] };
for (let r = 0; r < ROUNDS; r++) {
  rows['direct file_stream POSTs (baseline)'].push(await direct());
  rows['wandbTracker online (spool + send)'].push(await viaTracker('online'));
  rows['wandbTracker offline (spool only)'].push(await viaTracker('offline'));
}
const baseline = median(rows['direct file_stream POSTs (baseline)']);
console.log(`${POINTS} metric points in batches of ${BATCH}, ${ROUNDS} rounds, medians\n`);
console.log('| workload | median ms | points/s | ratio to baseline |\n| --- | --- | --- | --- |');
for (const [name, xs] of Object.entries(rows)) {
  const m = median(xs);
  console.log(`| ${name} | ${m.toFixed(0)} | ${Math.round((POINTS / m) * 1000)} | ${(m / baseline).toFixed(2)} |`);
}
