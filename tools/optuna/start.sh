#!/usr/bin/env bash
# Optuna for `aero tune` (tpe, cmaes and gp samplers, pruners, the study storage): a venv
# under the ignored .tools/optuna/venv with optuna 5.x and cmaes. No daemon: this only
# installs what is missing (idempotent, a fast no-op once installed) and writes
# .tools/optuna.env with AERO_OPTUNA_PYTHON=<the venv's python>.
# The gp sampler also needs torch, which is not installed here (a multi-GB wheel); aero
# tune --sampler gp says so with the pip command when torch is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$ROOT/.tools/optuna/venv"
PY="$VENV/bin/python"
SPEC='optuna>=5,<6'
check() { "$PY" -c 'import optuna, cmaes, sys; sys.exit(0 if optuna.__version__.split(".")[0] == "5" else 1)' >/dev/null 2>&1; }

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
  echo "[optuna] installing $SPEC cmaes"
  "$PY" -m pip install --quiet --disable-pip-version-check "$SPEC" cmaes
fi
if ! check; then
  echo "[optuna] ERROR: $PY cannot import optuna 5.x and cmaes after installing" >&2
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
