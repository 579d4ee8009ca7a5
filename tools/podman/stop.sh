#!/usr/bin/env bash
# Podman has no daemon: nothing to stop. Containers the tests start are run with --rm
# and named aero-*; remove any left by an interrupted test run.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if command -v podman >/dev/null; then
  ids=$(podman --runtime runc --cgroup-manager=cgroupfs ps -aq --filter 'label=aero.launcher=docker' 2>/dev/null || true)
  [ -n "$ids" ] && podman --runtime runc --cgroup-manager=cgroupfs rm -f $ids >/dev/null 2>&1 || true
fi
rm -f "$ROOT/.tools/podman.env"
