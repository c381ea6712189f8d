#!/usr/bin/env bash
# Creates .venv and installs the locked dependencies into it: requirements.txt (what the
# deploy installs) or, with the argument "test", requirements-test.txt; then the project
# itself, editable and without dependencies. Installs again when the lock or
# pyproject.toml changed since the last install. Run by scripts/run and scripts/test.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "${1:-}" in
  "") lock="$root/requirements.txt" ;;
  test) lock="$root/requirements-test.txt" ;;
  *) echo "bootstrap.sh: unknown argument '$1' (none, or 'test')." >&2; exit 2 ;;
esac
extras=${1:-}

# A name counts only if the interpreter behind it runs and is 3.11 or newer: a pyenv
# shim exists for every version pyenv has, but fails for one that is not selected.
usable() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

# python3.1x names on PATH, newest first.
versioned_pythons() {
  local dir f
  local -a dirs
  IFS=: read -ra dirs <<<"$PATH"
  for dir in "${dirs[@]}"; do
    for f in "$dir"/python3.[1-9][0-9]; do
      if [ -x "$f" ]; then basename "$f"; fi
    done
  done | sort -t. -k2,2nr -u
}

# App Engine runs python312 (app.yaml), so 3.12 comes first; then the newest other
# version. Where a pyenv shim for a name fails, pyenv's own copies of it are tried.
choose_python() {
  local name path
  for name in python3.12 $(versioned_pythons) python3; do
    if usable "$name"; then
      echo "$name"
      return
    fi
    if command -v pyenv >/dev/null 2>&1; then
      for path in $(pyenv whence --path "$name" 2>/dev/null | sort -rV); do
        if usable "$path"; then
          echo "$path"
          return
        fi
      done
    fi
  done
  return 1
}

if [ -n "${PYTHON:-}" ]; then
  py=$PYTHON
  if ! command -v "$py" >/dev/null 2>&1; then
    echo "PYTHON=$py: no such command." >&2
    exit 2
  elif ! usable "$py"; then
    echo "PYTHON=$py is not Python 3.11 or newer (found: $("$py" --version 2>&1 | head -n1))." >&2
    exit 2
  fi
elif ! py=$(choose_python); then
  echo "Python 3.11 or newer is needed: none of python3.12, python3.1x or python3 on PATH runs." >&2
  exit 2
fi

# An interpreter is its installation and its version; a .venv made by another one (or
# whose interpreter is gone) is made again, so tests run on the chosen Python.
identity='import platform, sys; print(sys.base_prefix, platform.python_version())'
want_python=$("$py" -c "$identity")
if [ -e "$root/.venv" ]; then
  have_python=$("$root/.venv/bin/python" -c "$identity" 2>/dev/null || echo "none")
  if [ "$have_python" != "$want_python" ]; then
    echo "Recreating .venv with Python ${want_python##* } (it had: ${have_python##* }) ..."
    rm -rf "$root/.venv"
  fi
fi
if [ ! -x "$root/.venv/bin/python" ]; then
  "$py" -m venv "$root/.venv"
fi

stamp="$root/.venv/.installed${extras:+-$extras}"
want=$(cat "$lock" "$root/pyproject.toml" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing Python dependencies into .venv ($(basename "$lock")) ..."
  run_pip() {
    # pip's own "Location ... is ignored" notes about this machine's index settings are noise.
    set +e
    "$root/.venv/bin/python" -m pip --quiet --disable-pip-version-check "$@" 2>&1 \
      | grep -v "is ignored: it is neither a file nor a directory"
    local status=${PIPESTATUS[0]}
    set -e
    if [ "$status" != 0 ]; then
      echo "Installing the Python dependencies failed (pip $1, exit status $status)." >&2
      exit "$status"
    fi
  }
  run_pip install --upgrade pip
  run_pip install --require-hashes -r "$lock"
  run_pip install --no-deps -e "$root"
  echo "$want" > "$stamp"
fi
