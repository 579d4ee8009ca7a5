#!/usr/bin/env bash
# Stops the MinIO started by tools/s3/start.sh (by its recorded pid only). Data stays in
# .tools/s3/data; delete that folder for a clean slate.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T="$ROOT/.tools/s3"
for pidfile in "$T"/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "[s3] stopped $(basename "$pidfile" .pid) (pid $pid)"
  fi
  rm -f "$pidfile"
done
