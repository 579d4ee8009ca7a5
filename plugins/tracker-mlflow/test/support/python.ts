import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PyRun {
  run_id: string;
  name: string;
  status: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, Array<{ step: number; timestamp: number; value: number | null }>>;
  artifacts: Array<{ path: string; size: number }>;
}

/** Reads a pipeline run (parent + children) with MLflow's Python client (test/support/read_runs.py). */
export async function readWithPython(python: string, trackingUri: string, parentRunId: string): Promise<{ parent: PyRun; children: PyRun[] }> {
  const { stdout } = await run(python, [join(import.meta.dirname, 'read_runs.py'), trackingUri, parentRunId], {
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri, PYTHONWARNINGS: 'ignore' },
  });
  return JSON.parse(stdout) as { parent: PyRun; children: PyRun[] };
}
