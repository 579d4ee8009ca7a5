#!/usr/bin/env bash
# Reference Python libraries for file-format cross-checks (@aeroml/handler-npy, @aeroml/handler-fits):
# Debian's numpy and astropy under /usr/bin/python3. No daemon: this only installs what is
# missing (idempotent, a fast no-op once installed) and writes .tools/pyref.env.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY=/usr/bin/python3
check() { "$PY" -c 'import numpy, astropy.io.fits' >/dev/null 2>&1; }

if ! check; then
  echo "[pyref] installing python3-numpy python3-astropy (apt)"
  export DEBIAN_FRONTEND=noninteractive
  run_apt() {
    if command -v flock >/dev/null 2>&1; then flock /tmp/aero-apt.lock "$@"; else "$@"; fi
  }
  if ! run_apt apt-get install -y --no-install-recommends python3-numpy python3-astropy; then
    run_apt apt-get update
    run_apt apt-get install -y --no-install-recommends python3-numpy python3-astropy
  fi
fi
if ! check; then
  echo "[pyref] ERROR: $PY cannot import numpy and astropy.io.fits after installing" >&2
  exit 1
fi
mkdir -p "$ROOT/.tools"
VERSIONS=$("$PY" -c 'import numpy, astropy; print(numpy.__version__, astropy.__version__)')
{
  echo "AERO_PYTHON=$PY"
  echo "AERO_PYREF_NUMPY=${VERSIONS% *}"
  echo "AERO_PYREF_ASTROPY=${VERSIONS#* }"
} > "$ROOT/.tools/pyref.env.tmp"
mv "$ROOT/.tools/pyref.env.tmp" "$ROOT/.tools/pyref.env"
echo "[pyref] ready: numpy ${VERSIONS% *}, astropy ${VERSIONS#* } ($PY)"
