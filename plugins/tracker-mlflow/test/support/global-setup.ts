import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

declare module 'vitest' {
  export interface ProvidedContext {
    mlflow: { trackingUri: string; python: string; bin: string; version: string };
  }
}

/** Runs tools/mlflow/start.sh (a no-op when the server answers) and shares its facts with the tests. */
export default async function setup(project: TestProject): Promise<void> {
  const script = join(ROOT, 'tools', 'mlflow', 'start.sh');
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
  } catch (error) {
    throw new Error(
      `The MLflow server could not be started by ${script} (${(error as Error).message}). ` +
        'These tests need a real MLflow server on 127.0.0.1: run `bash tools/mlflow/start.sh` and read .tools/mlflow/server.log.',
    );
  }
  const env = Object.fromEntries(
    readFileSync(join(ROOT, '.tools', 'mlflow.env'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const trackingUri = env.MLFLOW_TRACKING_URI!;
  const res = await fetch(`${trackingUri}/health`).catch((error: unknown) => {
    throw new Error(`MLflow at ${trackingUri} does not answer after start.sh (${(error as Error).message}); see .tools/mlflow/server.log.`);
  });
  if (!res.ok) throw new Error(`MLflow at ${trackingUri}/health answered ${res.status}; see .tools/mlflow/server.log.`);
  project.provide('mlflow', { trackingUri, python: env.AERO_MLFLOW_PYTHON!, bin: env.AERO_MLFLOW_BIN!, version: env.AERO_MLFLOW_VERSION! });
}
