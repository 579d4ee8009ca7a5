#!/usr/bin/env bash
# Starts (installing on first use) every real service the tests talk to, idempotently.
# Each service lives in tools/<service>/ with start.sh (and stop.sh); start.sh must be
# safe to call twice and must write what tests need to .tools/<service>.env.
#   bash tools/services.sh up      start all
#   bash tools/services.sh down    stop the ones we started (by pid)
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-up}
for dir in tools/*/; do
  svc=$(basename "$dir")
  case "$cmd" in
    up)   [ -x "$dir/start.sh" ] && { echo "[services] starting $svc"; "$dir/start.sh"; } ;;
    down) [ -x "$dir/stop.sh" ] && { echo "[services] stopping $svc"; "$dir/stop.sh" || true; } ;;
    *) echo "usage: tools/services.sh up|down" >&2; exit 2 ;;
  esac
done
