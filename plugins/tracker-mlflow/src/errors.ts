import { defineErrors } from '@aeroml/core';

export const PLUGIN = '@aeroml/tracker-mlflow';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const mlflowErrors = defineErrors(
  {
    MLFLOW_UNREACHABLE: { title: 'Network error, timeout, 429 or 5xx: the server could not be reached or was overloaded', exit: 1, message: () => 'MLflow server at http://127.0.0.1:5000 is unreachable (GET experiments/get-by-name: ECONNREFUSED …).', hint: 'Start the server or fix `trackingUri`; events stay spooled. Also used for 408/429/5xx (retried).' },
    MLFLOW_AUTH_FAILED: { title: 'The server answered 401/403', exit: 1, message: () => 'MLflow server at … refused this Host header: GET … (HTTP 403): Invalid Host header …', hint: 'Set `token`/`username`; for the Host check start the server with `--allowed-hosts`.' },
    MLFLOW_REQUEST_FAILED: { title: 'The server refused a request (4xx with an MLflow `error_code`)', exit: 1, message: () => 'MLflow refused POST runs/log-batch (HTTP 404 RESOURCE_DOES_NOT_EXIST): Run with id=… not found.', hint: 'Read the MLflow message; the run may have been deleted.' },
    MLFLOW_RESPONSE_INVALID: { title: 'The server answered something that is not the documented REST 2.0 shape', exit: 1, message: () => 'MLflow GET experiments/get-by-name answered non-JSON: <html>…', hint: '`trackingUri` points at something that is not an MLflow server (proxy, login page).' },
    MLFLOW_EXPERIMENT_DELETED: { title: 'The experiment exists but is deleted (in the trash)', exit: 1, message: () => 'MLflow experiment "x" (id 4) is deleted; runs cannot be logged to it.', hint: '`mlflow experiments restore --experiment-id 4`, or another `experimentName`.' },
    MLFLOW_SPOOLED: { title: '`flush`/`close` gave up waiting: events stay spooled on disk for `aero sync`', exit: 1, message: () => '87 MLflow event(s) are spooled, not sent: MLflow server at … is unreachable (…) (gave up after 2 attempt(s)). They are kept in …/mlflow. — or, for a server that answers but too slowly: 87 MLflow event(s) are not delivered yet (…); they are kept in …/mlflow and retried in the background.', hint: 'Nothing is lost; run `aero sync` when the server is back.' },
    MLFLOW_EVENTS_REJECTED: { title: 'The server rejected some events for good (invalid names, changed param values)', exit: 1, message: () => 'MLflow refused 1 event(s) for good (first: … param `lr` … Changing param values is not allowed …); they are listed in …/rejected.jsonl.', hint: 'Params cannot change within a run; fix names/values. Everything else was delivered.' },
    MLFLOW_RUN_NOT_STARTED: { title: 'A tracker call named a run that `startRun` never opened', exit: 1, message: () => 'logMetrics: run r1 was not started on this MLflow tracker (startRun first).', hint: 'A caller bug: call `startRun` first.' },
    MLFLOW_ACTION_NOT_STARTED: { title: 'A tracker call named an action instance that `startAction` never opened', exit: 1, message: () => 'setTags: action instance x of run r1 was not started on this MLflow tracker (startAction first).', hint: 'A caller bug: call `startAction` first.' },
    MLFLOW_SPOOL_LOCKED: { title: 'Another live process is writing this run\'s spool', exit: 1, message: () => 'Another live process is writing the MLflow spool in …/mlflow; this tracker will not write to the same run.', hint: 'Wait for it; delete `lock.json` only if that process is gone.' },
    MLFLOW_RUN_NOT_FOUND: { title: '`loadArtifact`: the MLflow run does not exist', exit: 1, message: () => 'MLflow run 0123… does not exist on http://127.0.0.1:5000.', hint: '`loadArtifact`: check the run id and server.' },
    MLFLOW_ARTIFACT_NOT_FOUND: { title: '`loadArtifact`: the run (and its child runs) have no aero artifact of that name', exit: 1, message: () => 'MLflow run … (and its action runs) recorded no aero output `train.optimizer`; it has: train.checkpoint, train.model.', hint: 'Use one of the listed names (and `partition`).' },
    MLFLOW_ARTIFACT_NOT_UPLOADED: { title: '`loadArtifact`: the artifact was logged as a reference and the aero store is not reachable here', exit: 1, message: () => 'Output `train.checkpoint` of MLflow run … was logged as a reference to the aero store (reference), and its bytes are not reachable here.', hint: 'Pass `store` with the blobs, or raise `uploadThresholdBytes`.' },
    MLFLOW_ARTIFACT_CORRUPT: { title: '`loadArtifact`: a downloaded file does not match the sha256 in its manifest', exit: 1, message: () => 'train.model/weights.bin from MLflow has sha256 …, but its manifest says …; it was not written.', hint: 'The copy in MLflow was changed; log it again.' },
    MLFLOW_ARTIFACTS_NOT_PROXIED: { title: 'The run\'s artifact URI is not served by the server\'s artifact proxy (`--serve-artifacts`)', exit: 1, message: () => 'The run\'s artifact location s3://… is not served through the MLflow artifact proxy (…).', hint: 'Start the server with `--serve-artifacts`; meanwhile outputs are recorded as tags only (warning).' },
  },
  { plugin: PLUGIN },
);

/** Error codes raised by @aeroml/tracker-mlflow (permanent: docs and tests refer to them). */
export const MlflowErrorCodes = mlflowErrors.codes;
export type MlflowErrorCode = (typeof MlflowErrorCodes)[keyof typeof MlflowErrorCodes];
/** An AeroError of this package with the message written where it is raised. */
export const mlflowError = mlflowErrors.create;
