#!/usr/bin/env bash
# Regenerates the locks from pyproject.toml, with a hash for every file of every pin:
#   requirements.txt       the runtime dependencies: what the deploy installs (App Engine
#                          reads this file; the service package itself is uploaded as source)
#   requirements-test.txt  those plus the "test" extra, at the same versions
# uv, not pip-tools: `uv pip compile --universal` resolves once for every Python the
# project supports (3.11 and newer) and writes environment markers where they differ,
# where pip-compile resolves for the one interpreter that runs it. uv also reads only the
# public index, not a machine's pip configuration, so the hashes are those of PyPI's files.
# Existing pins are kept; --upgrade or --upgrade-package NAME moves them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
uv_version=0.13.9

upgrade=()
while [ $# -gt 0 ]; do
  case "$1" in
    --upgrade) upgrade+=(--upgrade); shift ;;
    --upgrade-package)
      if [ $# -lt 2 ] || [ -z "$2" ]; then
        echo "lock.sh: --upgrade-package needs a package name." >&2
        exit 2
      fi
      upgrade+=(--upgrade-package "$2"); shift 2 ;;
    *) echo "lock.sh: unknown argument '$1' (use --upgrade or --upgrade-package NAME)." >&2; exit 2 ;;
  esac
done

uv=${UV:-uv}
if ! "$uv" --version >/dev/null 2>&1; then
  if [ ! -x .venv/bin/python ]; then
    echo "lock.sh: no uv on PATH and no .venv to install it into: run ./scripts/test once, or set UV." >&2
    exit 2
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$uv_version"
  uv=.venv/bin/uv
fi

compile() {
  "$uv" pip compile --quiet pyproject.toml --universal --python-version 3.11 \
    --generate-hashes --custom-compile-command scripts/lock.sh ${upgrade[@]+"${upgrade[@]}"} "$@"
}
compile --output-file requirements.txt
# The test lock is held to the runtime pins, so tests run what the deploy installs.
compile --extra test --constraint requirements.txt --output-file requirements-test.txt
echo "Wrote requirements.txt and requirements-test.txt."
