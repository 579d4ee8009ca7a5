#!/usr/bin/env bash
# Starts MinIO (a real S3-compatible server) on 127.0.0.1 for @aeroml/store-s3 tests and
# benches. Idempotent: builds MinIO with `go install` on first use (pinned version, cached
# by Go's build and module caches), starts it only if it is not already answering, waits
# until it is ready, creates the test bucket, and writes the connection facts to
# .tools/s3.env. Pids go to .tools/s3/*.pid; tools/s3/stop.sh kills only those.
#
# Why MinIO: of the servers reachable from the registries (MinIO via the Go module proxy,
# moto from PyPI, s3proxy from Maven Central) it is the closest to AWS S3 semantics that
# matter here: real multipart uploads (ListMultipartUploads/Abort), conditional writes
# (If-None-Match on PutObject and CompleteMultipartUpload, atomic under races), ranged GETs,
# ETag/If-Match, and it is fast enough to benchmark 1 GiB transfers. It builds from source
# with the Go toolchain already on the machine (see tools/s3/README.md for timings).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T="$ROOT/.tools/s3"
ENV_FILE="$ROOT/.tools/s3.env"
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
PORT=${AERO_S3_PORT:-9310}
CONSOLE_PORT=${AERO_S3_CONSOLE_PORT:-9311}
ACCESS_KEY=${AERO_S3_ACCESS_KEY_ID:-aero-minio}
SECRET_KEY=${AERO_S3_SECRET_ACCESS_KEY:-aero-minio-secret-key}
BUCKET=${AERO_S3_BUCKET:-aero-test}
REGION=us-east-1
ENDPOINT="http://127.0.0.1:$PORT"
mkdir -p "$T/bin" "$T/data"
# Two callers at once (tests, services.sh, a bench) must not build or start twice.
exec 9>"$T/start.lock"
flock 9

log() { echo "[s3] $*"; }

ready() { curl -sf -o /dev/null --max-time 2 "$ENDPOINT/minio/health/ready"; }

install_minio() {
  if [ -x "$T/bin/minio" ] && [ "$(cat "$T/bin/minio.version" 2>/dev/null)" = "$MINIO_VERSION" ]; then return; fi
  export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
  if ! command -v go >/dev/null; then
    echo "[s3] Go is needed to build MinIO and was not found (looked in PATH and /usr/local/go/bin)." >&2
    echo "[s3] Install Go >= 1.24 (MinIO's go.mod requirement) and run this script again." >&2
    exit 1
  fi
  log "building MinIO $MINIO_VERSION with $(go version | cut -d' ' -f3) (first run only; a few minutes on 2 cores)"
  local start=$SECONDS
  GOBIN="$T/bin" go install "$MINIO_MODULE@$MINIO_VERSION"
  echo "$MINIO_VERSION" > "$T/bin/minio.version"
  log "MinIO built in $((SECONDS - start))s"
}

start_minio() {
  if [ -f "$T/minio.pid" ] && kill -0 "$(cat "$T/minio.pid")" 2>/dev/null && ready; then
    log "MinIO already running (pid $(cat "$T/minio.pid")) at $ENDPOINT"
    return
  fi
  if ready; then
    # Another checkout's MinIO (same keys) is fine to share: the bucket step below proves
    # the keys work; anything else on the port is an error.
    if node "$(dirname "$0")/mkbucket.mjs" "$ENDPOINT" "$BUCKET" "$ACCESS_KEY" "$SECRET_KEY" "$REGION" >/dev/null 2>&1; then
      log "reusing the S3 server already answering at $ENDPOINT (not started by this checkout)"
      return
    fi
    echo "[s3] something else answers at $ENDPOINT and rejects our keys; set AERO_S3_PORT to use another port" >&2
    exit 1
  fi
  log "starting MinIO at $ENDPOINT (data in $T/data)"
  MINIO_ROOT_USER="$ACCESS_KEY" MINIO_ROOT_PASSWORD="$SECRET_KEY" \
    MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CI_CD=1 \
    nohup "$T/bin/minio" server "$T/data" --address "127.0.0.1:$PORT" --console-address "127.0.0.1:$CONSOLE_PORT" \
    > "$T/minio.log" 2>&1 < /dev/null 9>&- &
  echo $! > "$T/minio.pid"
  for _ in $(seq 1 120); do
    if ready; then log "MinIO ready (pid $(cat "$T/minio.pid"))"; return; fi
    if ! kill -0 "$(cat "$T/minio.pid")" 2>/dev/null; then
      echo "[s3] MinIO exited during startup; last lines of $T/minio.log:" >&2
      tail -20 "$T/minio.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "[s3] MinIO did not become ready within 60s; see $T/minio.log" >&2
  exit 1
}

install_minio
start_minio
node "$(dirname "$0")/mkbucket.mjs" "$ENDPOINT" "$BUCKET" "$ACCESS_KEY" "$SECRET_KEY" "$REGION"
cat > "$ENV_FILE" <<ENV
AERO_S3_ENDPOINT=$ENDPOINT
AERO_S3_BUCKET=$BUCKET
AERO_S3_REGION=$REGION
AERO_S3_ACCESS_KEY_ID=$ACCESS_KEY
AERO_S3_SECRET_ACCESS_KEY=$SECRET_KEY
AERO_S3_SERVER=minio@$MINIO_VERSION
ENV
log "connection facts in $ENV_FILE"
