#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium (idempotently) for the browser tests of
# @aeroml/ui (`aero ui` and `aero report` opened in a real browser by puppeteer-core),
# and writes its path to .tools/chromium.env as CHROMIUM_PATH=... .
#
# Why Debian's package: puppeteer's own browser download needs a host the machines
# cannot reach; the distribution's chromium comes through apt like every other tool.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ENV_FILE="$ROOT/.tools/chromium.env"
mkdir -p "$ROOT/.tools"
# Two callers at once (tests, services.sh) must not run apt twice.
exec 9>"$ROOT/.tools/chromium.lock"
flock 9

find_chromium() { command -v chromium || command -v chromium-browser || true; }

BIN=$(find_chromium)
if [ -z "$BIN" ]; then
  echo "[chromium] installing Debian's chromium package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  BIN=$(find_chromium)
fi
if [ -z "$BIN" ]; then
  echo "[chromium] chromium is not on PATH after installing it; install it by hand: apt-get install -y chromium" >&2
  exit 1
fi
echo "CHROMIUM_PATH=$BIN" > "$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
echo "[chromium] $("$BIN" --version 2>/dev/null || echo "$BIN") -> $ENV_FILE"
