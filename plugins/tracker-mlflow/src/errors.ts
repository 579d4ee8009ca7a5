import { AeroError } from '@aeroml/core';

export const PLUGIN = '@aeroml/tracker-mlflow';

/** Error codes raised by @aeroml/tracker-mlflow (permanent: docs and tests refer to them). */
export const MlflowErrorCodes = {
  /** Network error, timeout, 429 or 5xx: the server could not be reached or was overloaded. */
  MLFLOW_UNREACHABLE: 'MLFLOW_UNREACHABLE',
  /** The server answered 401/403. */
  MLFLOW_AUTH_FAILED: 'MLFLOW_AUTH_FAILED',
  /** The server refused a request (4xx with an MLflow `error_code`). */
  MLFLOW_REQUEST_FAILED: 'MLFLOW_REQUEST_FAILED',
  /** The server answered something that is not the documented REST 2.0 shape. */
  MLFLOW_RESPONSE_INVALID: 'MLFLOW_RESPONSE_INVALID',
  /** The experiment exists but is deleted (in the trash). */
  MLFLOW_EXPERIMENT_DELETED: 'MLFLOW_EXPERIMENT_DELETED',
  /** `flush`/`close` gave up waiting: events stay spooled on disk for `aero sync`. */
  MLFLOW_SPOOLED: 'MLFLOW_SPOOLED',
  /** The server rejected some events for good (invalid names, changed param values). */
  MLFLOW_EVENTS_REJECTED: 'MLFLOW_EVENTS_REJECTED',
  /** A tracker call named a run that `startRun` never opened. */
  MLFLOW_RUN_NOT_STARTED: 'MLFLOW_RUN_NOT_STARTED',
  /** A tracker call named an action instance that `startAction` never opened. */
  MLFLOW_ACTION_NOT_STARTED: 'MLFLOW_ACTION_NOT_STARTED',
  /** Another live process is writing this run's spool. */
  MLFLOW_SPOOL_LOCKED: 'MLFLOW_SPOOL_LOCKED',
  /** `loadArtifact`: the MLflow run does not exist. */
  MLFLOW_RUN_NOT_FOUND: 'MLFLOW_RUN_NOT_FOUND',
  /** `loadArtifact`: the run (and its child runs) have no aero artifact of that name. */
  MLFLOW_ARTIFACT_NOT_FOUND: 'MLFLOW_ARTIFACT_NOT_FOUND',
  /** `loadArtifact`: the artifact was logged as a reference and the aero store is not reachable here. */
  MLFLOW_ARTIFACT_NOT_UPLOADED: 'MLFLOW_ARTIFACT_NOT_UPLOADED',
  /** `loadArtifact`: a downloaded file does not match the sha256 in its manifest. */
  MLFLOW_ARTIFACT_CORRUPT: 'MLFLOW_ARTIFACT_CORRUPT',
  /** The run's artifact URI is not served by the server's artifact proxy (`--serve-artifacts`). */
  MLFLOW_ARTIFACTS_NOT_PROXIED: 'MLFLOW_ARTIFACTS_NOT_PROXIED',
} as const;
export type MlflowErrorCode = (typeof MlflowErrorCodes)[keyof typeof MlflowErrorCodes];

export function mlflowError(code: MlflowErrorCode, message: string, options: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {}): AeroError {
  return new AeroError(code, message, { ...options, plugin: PLUGIN });
}
