#!/usr/bin/env bash
# Starts the local W&B wire-protocol test server on loopback (idempotent).
# Writes .tools/wandb-server.env (WANDB_TEST_BASE_URL, WANDB_TEST_PORT, WANDB_TEST_PID) and
# .tools/wandb-server/server.pid. Needs only node (>= 20.19) and graphql-js, which it takes
# from the repo's node_modules or installs into .tools/wandb-server from the npm registry.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE="$ROOT/.tools/wandb-server"
ENV_FILE="$ROOT/.tools/wandb-server.env"
PID_FILE="$STATE/server.pid"
LOG="$STATE/server.log"
mkdir -p "$STATE"

healthy() {
  [ -f "$ENV_FILE" ] && [ -f "$PID_FILE" ] || return 1
  local pid url
  pid=$(cat "$PID_FILE")
  kill -0 "$pid" 2>/dev/null || return 1
  url=$(grep '^WANDB_TEST_BASE_URL=' "$ENV_FILE" | cut -d= -f2-)
  node -e "fetch(process.argv[1] + '/_test/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$url"
}

# A running server whose code differs from the checkout is restarted (by its pid only).
CODE_HASH=$(cat "$ROOT"/tools/wandb-server/server.mjs "$ROOT"/tools/wandb-server/lib/* | sha256sum | cut -c1-16)
if healthy; then
  if grep -q "^WANDB_TEST_CODE_HASH=$CODE_HASH\$" "$ENV_FILE"; then
    echo "[wandb-server] already running: $(grep '^WANDB_TEST_BASE_URL=' "$ENV_FILE" | cut -d= -f2-)"
    exit 0
  fi
  echo "[wandb-server] code changed: restarting"
  kill "$(cat "$PID_FILE")" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break; sleep 0.1; done
fi

command -v node >/dev/null || { echo "[wandb-server] node is required" >&2; exit 1; }
if ! (cd "$ROOT/tools/wandb-server" && node -e "import('graphql').then(() => process.exit(0), () => process.exit(1))"); then
  if [ ! -f "$STATE/node_modules/graphql/package.json" ]; then
    echo "[wandb-server] installing graphql@16 into $STATE"
    (cd "$STATE" && npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$STATE" graphql@16.15.0 >/dev/null)
  fi
fi

PORT=${WANDB_TEST_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})")}
rm -f "$ENV_FILE"
nohup node "$ROOT/tools/wandb-server/server.mjs" --port "$PORT" --host 127.0.0.1 >"$LOG" 2>&1 &
echo $! >"$PID_FILE"

for _ in $(seq 1 100); do
  if grep -q '"ready":true' "$LOG" 2>/dev/null; then break; fi
  if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then echo "[wandb-server] failed to start:" >&2; cat "$LOG" >&2; exit 1; fi
  sleep 0.1
done
grep -q '"ready":true' "$LOG" || { echo "[wandb-server] did not become ready; log:" >&2; cat "$LOG" >&2; exit 1; }
cat >"$ENV_FILE" <<ENV
WANDB_TEST_BASE_URL=http://127.0.0.1:$PORT
WANDB_TEST_PORT=$PORT
WANDB_TEST_PID=$(cat "$PID_FILE")
WANDB_TEST_CODE_HASH=$CODE_HASH
ENV
echo "[wandb-server] listening on http://127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"
