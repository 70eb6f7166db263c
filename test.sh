#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages the tests need (PostgreSQL, Chromium)
# when missing and we may install them, then .venv with the test extras, then pytest.
#   ./test.sh [pytest args ...]
set -uo pipefail
cd "$(dirname "$0")"
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null \
      || echo "warning: could not install ${need[*]}; tests that need them will say so" >&2
  else
    echo "warning: ${need[*]} missing (install as root: apt-get install ${need[*]})" >&2
  fi
fi
if [ ! -x .venv/bin/pytest ] || [ pyproject.toml -nt .venv/.installed-test ]; then
  python3 -m venv .venv || exit 1
  .venv/bin/pip install -q --upgrade pip || exit 1
  .venv/bin/pip install -q -e '.[test]' || exit 1
  touch .venv/.installed-test
fi
exec .venv/bin/pytest "$@"
