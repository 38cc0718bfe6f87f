# Sourced by bin/start and bin/test: make sure .venv exists with Fivefold and its
# dependencies installed (re-installs when pyproject.toml changes).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON_BIN="${PYTHON:-python3}"
if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Fivefold needs Python 3.11 or newer (found: $("$PYTHON_BIN" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv …" >&2
  "$PYTHON_BIN" -m venv .venv
fi
STAMP=.venv/.fivefold-installed
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)-${1:-run}"
if [ ! -f "$STAMP" ] || ! grep -qx "$WANT" "$STAMP"; then
  echo "Installing Fivefold and its dependencies into .venv …" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ "${1:-run}" = "dev" ]; then
    .venv/bin/python -m pip install --quiet -e '.[dev]'
  else
    .venv/bin/python -m pip install --quiet -e .
  fi
  echo "$WANT" > "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
