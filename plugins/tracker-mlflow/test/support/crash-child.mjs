// Runs a tracker in its own process for the crash test: logs a run to a server that is down,
// waits until everything is in the spool, prints "spooled", and waits to be SIGKILLed.
// argv: <dist index.js> <json RunInfo> <trackingUri> <points>
const [distIndex, runJson, trackingUri, points] = process.argv.slice(2);
const { mlflowTracker } = await import(distIndex);
const run = JSON.parse(runJson);
const tracker = mlflowTracker({ trackingUri, flushTimeoutMs: 200, retryDelayMs: 50, retryMaxDelayMs: 200, requestTimeoutMs: 1000 });
await tracker.startRun(run);
await tracker.startAction({ runId: run.runId, instanceId: 'train', action: 'train', cacheKey: 'k', params: { lr: 0.1 }, dir: `${run.runDir}/train`, cached: false });
const t0 = Date.parse(run.startedAt);
for (let step = 0; step < Number(points); step++) {
  await tracker.logMetrics({ runId: run.runId, instanceId: 'train' }, [{ name: 'loss', value: step / 7, step, timestamp: t0 + step }]);
}
await tracker.endAction({ runId: run.runId, instanceId: 'train' }, { status: 'ran', durationMs: 5 });
await tracker.endRun({ runId: run.runId }, { status: 'succeeded', durationMs: 9 });
await tracker.flush().catch((error) => {
  if (error.code !== 'MLFLOW_SPOOLED') throw error;
});
process.stdout.write('spooled\n');
setInterval(() => {}, 1000);
