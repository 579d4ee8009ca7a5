#!/usr/bin/env bash
# Stops the local W&B protocol server started by start.sh (by its recorded pid only).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PID_FILE="$ROOT/.tools/wandb-server/server.pid"
if [ -f "$PID_FILE" ]; then
  pid=$(cat "$PID_FILE")
  if kill -0 "$pid" 2>/dev/null; then kill "$pid"; echo "[wandb-server] stopped pid $pid"; fi
  rm -f "$PID_FILE"
fi
rm -f "$ROOT/.tools/wandb-server.env"
