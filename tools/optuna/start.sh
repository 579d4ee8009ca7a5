#!/usr/bin/env bash
# Optuna for `aero tune` (tpe, cmaes and gp samplers, pruners, the study storage): a venv
# under the ignored .tools/optuna/venv with optuna 5.x, cmaes, and torch and scipy for the
# gp sampler. No daemon: this only installs what is missing (idempotent, a fast no-op once
# installed) and writes .tools/optuna.env with AERO_OPTUNA_PYTHON=<the venv's python>.
# torch comes from PyPI as it is: on x86_64 Linux that wheel pulls the nvidia-* CUDA
# packages (measured: 68 s, 5.4 GB in the venv, of which nvidia-* 3.0 GB, triton 1.0 GB,
# torch 1.2 GB); `import torch` works without a GPU. PyPI has no CPU-only build, and
# `pip install --no-deps torch` does not import (it preloads libcublasLt).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$ROOT/.tools/optuna/venv"
PY="$VENV/bin/python"
SPEC='optuna>=5,<6'
# optuna-dashboard: the command `aero tune show` prints is run by a test (packages/cli/test/tune-dashboard.test.ts).
EXTRAS='cmaes torch scipy optuna-dashboard'
# torch and scipy are found, not imported: importing torch takes seconds, and this runs before every test suite.
check() { "$PY" -c 'import importlib.util as u, optuna, cmaes, sys; sys.exit(0 if optuna.__version__.split(".")[0] == "5" and u.find_spec("torch") and u.find_spec("scipy") and u.find_spec("optuna_dashboard") else 1)' >/dev/null 2>&1; }

if ! check; then
  BASE=$(command -v python3 || true)
  if [ -z "$BASE" ]; then
    echo "[optuna] ERROR: python3 is not on PATH; install Python 3.9+ first" >&2
    exit 1
  fi
  if [ ! -x "$PY" ]; then
    echo "[optuna] creating $VENV"
    mkdir -p "$(dirname "$VENV")"
    "$BASE" -m venv "$VENV"
  fi
  echo "[optuna] installing $SPEC $EXTRAS (torch is large: about a minute and 5 GB)"
  # shellcheck disable=SC2086  # EXTRAS is a list of names
  "$PY" -m pip install --quiet --disable-pip-version-check "$SPEC" $EXTRAS
fi
if ! check; then
  echo "[optuna] ERROR: $PY cannot import optuna 5.x, cmaes, torch, scipy and optuna_dashboard after installing" >&2
  exit 1
fi
VERSION=$("$PY" -c 'import optuna; print(optuna.__version__)')
mkdir -p "$ROOT/.tools"
{
  echo "AERO_OPTUNA_PYTHON=$PY"
  echo "AERO_OPTUNA_VERSION=$VERSION"
} > "$ROOT/.tools/optuna.env.tmp"
mv "$ROOT/.tools/optuna.env.tmp" "$ROOT/.tools/optuna.env"
echo "[optuna] ready: optuna $VERSION ($PY)"
