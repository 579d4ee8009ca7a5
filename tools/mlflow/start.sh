#!/usr/bin/env bash
# Starts a real MLflow tracking server on loopback for @aeroml/tracker-mlflow's tests and bench.
# Idempotent: installs MLflow into .tools/mlflow/venv on first use, starts the server only
# when it is not already answering, waits until /health answers, and writes the connection
# facts to .tools/mlflow.env (MLFLOW_TRACKING_URI=..., ...). The pid goes to
# .tools/mlflow/server.pid so tools/mlflow/stop.sh kills only what this script started.
#
# Environment (all optional):
#   AERO_MLFLOW_PORT     port to listen on (default 5000)
#   AERO_MLFLOW_VERSION  MLflow version to install (default below)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
T="$ROOT/.tools/mlflow"
VERSION="${AERO_MLFLOW_VERSION:-3.17.2}"
PORT="${AERO_MLFLOW_PORT:-5000}"
HOST=127.0.0.1
URI="http://$HOST:$PORT"
ENV_FILE="$ROOT/.tools/mlflow.env"
PY="${AERO_PYTHON:-python3}"
mkdir -p "$T/data"

log() { echo "[mlflow] $*"; }

command -v curl >/dev/null || { log "installing curl"; flock /tmp/aero-apt.lock apt-get install -y curl >/dev/null; }

# Ready = /health answers and the tracking API answers JSON (not some other service on the port).
healthy() {
  curl -fsS --max-time 2 "$URI/health" >/dev/null 2>&1 &&
    curl -fsS --max-time 5 "$URI/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default" 2>/dev/null | grep -q '"experiment"'
}

write_env() {
  cat >"$ENV_FILE.tmp" <<EOF
MLFLOW_TRACKING_URI=$URI
AERO_MLFLOW_PORT=$PORT
AERO_MLFLOW_VERSION=$VERSION
AERO_MLFLOW_PYTHON=$T/venv/bin/python
AERO_MLFLOW_BIN=$T/venv/bin/mlflow
AERO_MLFLOW_DATA=$T/data
EOF
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# 1. Install (or re-install when the pinned version changed).
installed=""
if [ -x "$T/venv/bin/python" ]; then
  installed="$("$T/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mlflow"))' 2>/dev/null || true)"
fi
if [ "$installed" != "$VERSION" ]; then
  log "installing mlflow==$VERSION into $T/venv (first run takes a few minutes)"
  if [ ! -x "$T/venv/bin/python" ]; then
    if ! "$PY" -m venv "$T/venv" 2>/dev/null; then
      # Debian's python3 needs python3-venv for `-m venv`.
      rm -rf "$T/venv"
      log "python3 -m venv failed; installing python3-venv"
      flock /tmp/aero-apt.lock apt-get install -y python3-venv >/dev/null
      "$PY" -m venv "$T/venv"
    fi
  fi
  "$T/venv/bin/python" -m pip install -q --disable-pip-version-check --only-binary=:all: "mlflow==$VERSION"
fi

# 2. Start unless something already answers.
if healthy; then
  write_env
  log "already running at $URI"
  exit 0
fi
if [ -f "$T/server.pid" ] && kill -0 "$(cat "$T/server.pid")" 2>/dev/null; then
  log "server pid $(cat "$T/server.pid") exists but does not answer yet; waiting"
else
  log "starting mlflow server at $URI"
  # setsid: its own process group, so stop.sh can end the server and its workers together.
  # --allowed-hosts: MLflow 3.x checks the Host header (DNS rebinding guard); list loopback.
  # MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false: skip the GenAI job runners (a dozen huey
  # processes, ~1 GB RAM) that tracking does not use.
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid "$T/venv/bin/mlflow" server \
    --host "$HOST" --port "$PORT" --workers 2 \
    --backend-store-uri "sqlite:///$T/data/mlflow.db" \
    --serve-artifacts --artifacts-destination "$T/data/mlartifacts" \
    --allowed-hosts "127.0.0.1:$PORT,localhost:$PORT,127.0.0.1,localhost" \
    >"$T/server.log" 2>&1 </dev/null &
  echo $! >"$T/server.pid"
fi

# 3. Wait until ready (first start migrates the sqlite schema).
for _ in $(seq 1 240); do
  if healthy; then
    write_env
    log "ready at $URI (pid $(cat "$T/server.pid"), log $T/server.log)"
    exit 0
  fi
  if ! kill -0 "$(cat "$T/server.pid")" 2>/dev/null; then
    log "server exited; last log lines:"
    tail -n 30 "$T/server.log" >&2 || true
    exit 1
  fi
  sleep 0.5
done
log "server did not answer $URI/health within 120 s; see $T/server.log" >&2
exit 1
