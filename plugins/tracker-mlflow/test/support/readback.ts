// Reads what the tracker recorded back through our REST client (used by the conformance
// readBack and the tests; the Python client in python.ts checks the same from the other side).
import type { TrackedScope, TrackerReadBack } from '@aeroml/test-utils';
import { MlflowClient, type MlflowMetric, type MlflowRun } from '../../src/index.js';

export interface RunView {
  run: MlflowRun;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Every point of every metric, sorted by key, step, timestamp. */
  metrics: MlflowMetric[];
}

export async function viewRun(client: MlflowClient, run: MlflowRun): Promise<RunView> {
  const metrics: MlflowMetric[] = [];
  for (const key of [...new Set(run.data.metrics.map((m) => m.key))].sort()) {
    const history = await client.getMetricHistory(run.info.run_id, key);
    history.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
    metrics.push(...history);
  }
  return {
    run,
    params: Object.fromEntries(run.data.params.map((p) => [p.key, p.value])),
    tags: Object.fromEntries(run.data.tags.map((t) => [t.key, t.value])),
    metrics,
  };
}

/** The parent run and the child runs (by aero instance id) of one aero run. */
export async function readAeroRun(client: MlflowClient, experimentName: string, aeroRunId: string): Promise<{ parent: RunView; children: Record<string, RunView> } | null> {
  const experiment = await client.getExperimentByName(experimentName);
  if (!experiment) return null;
  const runs = await client.searchAllRuns({ experimentIds: [experiment.experiment_id], filter: `tags.\`aero.run_id\` = '${aeroRunId}'` });
  const parent = runs.find((r) => !r.data.tags.some((t) => t.key === 'mlflow.parentRunId'));
  if (!parent) return null;
  const children: Record<string, RunView> = {};
  const kids = await client.searchAllRuns({ experimentIds: [experiment.experiment_id], filter: `tags.\`mlflow.parentRunId\` = '${parent.info.run_id}'` });
  for (const child of kids) {
    const view = await viewRun(client, child);
    children[view.tags['aero.instance_id'] ?? child.info.run_name ?? child.info.run_id] = view;
  }
  return { parent: await viewRun(client, parent), children };
}

/** Tags `aero.input.<name>` / `aero.output.<name>` as the conformance suite's artifacts. */
function artifactsOf(tags: Record<string, string>): TrackedScope['artifacts'] {
  const out: NonNullable<TrackedScope['artifacts']> = [];
  for (const [key, value] of Object.entries(tags)) {
    const m = /^aero\.(input|output)\.(.+)$/.exec(key);
    if (m) out.push({ direction: m[1] as 'input' | 'output', name: m[2]!.split('/')[0]!, digest: value });
  }
  return out;
}

function toScope(view: RunView): TrackedScope {
  return {
    params: view.params,
    tags: view.tags,
    metrics: view.metrics.map((m) => ({ name: m.key, value: m.value, step: m.step, timestamp: m.timestamp })),
    status: view.tags['aero.status'],
    artifacts: artifactsOf(view.tags),
  };
}

export async function trackerReadBack(client: MlflowClient, experimentName: string, aeroRunId: string): Promise<TrackerReadBack> {
  const tree = await readAeroRun(client, experimentName, aeroRunId);
  if (!tree) throw new Error(`no MLflow run tagged aero.run_id=${aeroRunId} in experiment ${experimentName}`);
  return { run: toScope(tree.parent), actions: Object.fromEntries(Object.entries(tree.children).map(([k, v]) => [k, toScope(v)])) };
}
