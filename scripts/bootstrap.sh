#!/usr/bin/env bash
# Creates .venv and installs the package (with the extras named in $1) when
# pyproject.toml changed since the last install. Sourced by scripts/run and scripts/test.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
extras=${1:-}
py=${PYTHON:-python3}
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (found: $("$py" --version 2>&1))." >&2
  exit 2
fi
if [ ! -x "$root/.venv/bin/python" ]; then
  "$py" -m venv "$root/.venv"
fi
stamp="$root/.venv/.installed${extras:+-$extras}"
want=$(cat "$root/pyproject.toml" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing Python dependencies into .venv ..."
  "$root/.venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  spec="$root"
  [ -n "$extras" ] && spec="$root[$extras]"
  # pip's own "Location ... is ignored" notes about this machine's index settings are noise.
  set +e
  "$root/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" != 0 ]; then
    echo "Installing the Python dependencies failed (pip exit status $status)." >&2
    exit "$status"
  fi
  echo "$want" > "$stamp"
fi
