#!/usr/bin/env bash
# Stops the MLflow server started by tools/mlflow/start.sh: only the recorded pid (and its
# process group, which start.sh created with setsid so the uvicorn workers go too).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PID_FILE="$ROOT/.tools/mlflow/server.pid"
[ -f "$PID_FILE" ] || { echo "[mlflow] not started by start.sh (no pid file)"; exit 0; }
pid="$(cat "$PID_FILE")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
  echo "[mlflow] stopped pid $pid"
else
  echo "[mlflow] pid $pid was not running"
fi
rm -f "$PID_FILE"
