#!/usr/bin/env node
// @aeroml/tracker-mlflow metrics throughput vs a plain REST log-batch loop, same real MLflow server, same run.
//
//   node tools/bench/mlflow/bench.mjs [--rounds 3] [--points 100000] [--keys 10] [--per-call 100]
//
// Each round, in alternating order, logs the same `points` metric points (`keys` metric names
// × points/keys steps, with timestamps) to a fresh MLflow run on the server from
// tools/mlflow/start.sh:
//   aero:     mlflowTracker → startRun/startAction → logMetrics(per-call points at a time) →
//             flush(); timed from the first logMetrics until flush() resolves (everything
//             spooled to disk and acknowledged by the server).
//   baseline: fetch POST /api/2.0/mlflow/runs/log-batch with 1000 metrics per request (the
//             server's maximum), one request after the other, timed the same way.
// After each side, every point is read back (metrics/get-history) and counted: a round only
// counts when all points arrived exactly once. The table shows medians and aero/baseline.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir, describeMachine, machineMarkdown, markdownTable, median, parseArgs, repoRoot, writeDocsSection, writeResults } from '../lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { rounds: 3, points: 100_000, keys: 10, perCall: 100, docs: false, help: false });
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 16).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

// --- the server and the code under test ---------------------------------------------------
execFileSync('bash', [join(repoRoot, 'tools', 'mlflow', 'start.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
const env = Object.fromEntries(
  readFileSync(join(repoRoot, '.tools', 'mlflow.env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const trackingUri = env.MLFLOW_TRACKING_URI;
const dist = join(repoRoot, 'plugins', 'tracker-mlflow', 'dist', 'index.js');
if (!existsSync(dist)) {
  console.error(`${dist} is missing: build it first (cd plugins/tracker-mlflow && npm run build)`);
  process.exit(1);
}
const { mlflowTracker, MlflowClient } = await import(dist);
const client = new MlflowClient({ trackingUri, timeoutMs: 120_000 });
const experimentName = `aero-bench-${Date.now().toString(36)}`;
const experiment = await client.ensureExperiment(experimentName);
const work = join(benchDir, '.work', 'mlflow');
await mkdir(work, { recursive: true });

const stepsPerKey = Math.ceil(opts.points / opts.keys);
/** The points every side logs: `keys` names × steps, timestamps 1 ms apart. */
function makePoints() {
  const t0 = 1_700_000_000_000;
  const out = [];
  for (let step = 0; step < stepsPerKey; step++) {
    for (let k = 0; k < opts.keys && out.length < opts.points; k++) out.push({ name: `m${k}`, value: Math.sin(step * (k + 1)) + step * 1e-6, step, timestamp: t0 + step });
  }
  return out;
}
const points = makePoints();

/** Counts what arrived: total points and distinct (key, step) pairs. */
async function countBack(runId) {
  let total = 0;
  const distinct = new Set();
  for (let k = 0; k < opts.keys; k++) {
    const history = await client.getMetricHistory(runId, `m${k}`);
    total += history.length;
    for (const m of history) distinct.add(`${m.key}@${m.step}`);
  }
  return { total, distinct: distinct.size };
}

async function runAero(round) {
  const root = await mkdtemp(join(work, 'run-'));
  const runId = `bench-${round}-${Date.now().toString(36)}`;
  const run = { runId, project: experimentName, runName: `aero-${round}`, startedAt: new Date().toISOString(), params: {}, tags: {}, runDir: join(root, '.aero', 'runs', runId), dev: false };
  const tracker = mlflowTracker({ trackingUri, experimentName, flushTimeoutMs: 600_000, requestTimeoutMs: 120_000 });
  await tracker.startRun(run);
  await tracker.startAction({ runId, instanceId: 'train', action: 'train', cacheKey: 'bench', params: {}, dir: join(run.runDir, 'train'), cached: false });
  await tracker.flush(); // runs exist before the clock starts, as for the baseline
  const scope = { runId, instanceId: 'train' };
  const start = performance.now();
  for (let i = 0; i < points.length; i += opts.perCall) await tracker.logMetrics(scope, points.slice(i, i + opts.perCall));
  const loggedMs = performance.now() - start;
  await tracker.flush();
  const ms = performance.now() - start;
  const mlflowRunId = tracker.mlflowRunId(scope);
  await tracker.endAction(scope, { status: 'ran', durationMs: ms });
  await tracker.endRun({ runId }, { status: 'succeeded', durationMs: ms });
  await tracker.close();
  await rm(root, { recursive: true, force: true });
  return { ms, loggedMs, back: await countBack(mlflowRunId) };
}

async function post(endpoint, body) {
  const res = await fetch(`${trackingUri}/api/2.0/mlflow/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${endpoint}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function runBaseline(round) {
  const created = await post('runs/create', { experiment_id: experiment.experiment_id, run_name: `rest-${round}`, start_time: Date.now() });
  const runId = created.run.info.run_id;
  const start = performance.now();
  for (let i = 0; i < points.length; i += 1000) {
    const metrics = points.slice(i, i + 1000).map((p) => ({ key: p.name, value: p.value, timestamp: p.timestamp, step: p.step }));
    await post('runs/log-batch', { run_id: runId, metrics });
  }
  const ms = performance.now() - start;
  await post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  return { ms, back: await countBack(runId) };
}

const rounds = [];
for (let r = 0; r < opts.rounds; r++) {
  const order = r % 2 === 0 ? ['aero', 'baseline'] : ['baseline', 'aero'];
  const round = {};
  for (const side of order) {
    round[side] = side === 'aero' ? await runAero(r) : await runBaseline(r);
    const { back } = round[side];
    if (back.total !== opts.points || back.distinct !== opts.points) {
      console.error(`round ${r + 1} ${side}: ${back.total} points read back (${back.distinct} distinct), expected ${opts.points} exactly once`);
      process.exit(1);
    }
    process.stderr.write(`round ${r + 1}/${opts.rounds} ${side}: ${(round[side].ms / 1000).toFixed(2)} s (${Math.round(opts.points / (round[side].ms / 1000))} metrics/s)\n`);
  }
  rounds.push(round);
}

const aeroMs = median(rounds.map((r) => r.aero.ms));
const aeroLoggedMs = median(rounds.map((r) => r.aero.loggedMs));
const baseMs = median(rounds.map((r) => r.baseline.ms));
const rate = (ms) => Math.round(opts.points / (ms / 1000));
const rows = [
  [`aero mlflowTracker (logMetrics × ${opts.perCall} points, then flush)`, `${(aeroMs / 1000).toFixed(2)} s`, rate(aeroMs).toLocaleString('en-US'), (aeroMs / baseMs).toFixed(2)],
  ['plain REST log-batch loop (1000 metrics/request)', `${(baseMs / 1000).toFixed(2)} s`, rate(baseMs).toLocaleString('en-US'), '1.00'],
  [`aero: pipeline blocked in logMetrics (spooling only)`, `${(aeroLoggedMs / 1000).toFixed(2)} s`, rate(aeroLoggedMs).toLocaleString('en-US'), (aeroLoggedMs / baseMs).toFixed(2)],
];
const table = markdownTable(['what (median of ' + opts.rounds + ' rounds)', 'time', 'metrics/s', 'time ratio vs baseline'], rows);
const machine = describeMachine({ mlflow: env.AERO_MLFLOW_VERSION, backend: 'sqlite, --workers 2' });
console.log(`\n### MLflow tracker: ${opts.points.toLocaleString('en-US')} metric points to a real MLflow server\n\n${table}\n\n${machineMarkdown(machine)}\n`);
const file = writeResults('mlflow', { suite: 'mlflow', date: new Date().toISOString(), options: opts, machine, medians: { aeroMs, aeroLoggedMs, baselineMs: baseMs, aeroMetricsPerSecond: rate(aeroMs), baselineMetricsPerSecond: rate(baseMs), ratio: aeroMs / baseMs }, rounds });
console.error(`results: ${file}`);
if (opts.docs) writeDocsSection('mlflow', `### MLflow tracker\n\n\`node tools/bench/mlflow/bench.mjs\`\n\n${table}\n\n${machineMarkdown(machine)}`);
