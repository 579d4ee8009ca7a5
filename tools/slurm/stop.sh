#!/usr/bin/env bash
# Stops the daemons tools/slurm/start.sh started, by the pids it recorded.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
P="$ROOT/.tools/slurm"
for f in slurmd slurmctld munged; do
  if [ -s "$P/$f.pid" ]; then
    pid=$(cat "$P/$f.pid")
    kill "$pid" 2>/dev/null && echo "[slurm] stopped $f ($pid)"
    rm -f "$P/$f.pid"
  fi
done
rm -f "$ROOT/.tools/slurm.env"
