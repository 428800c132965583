#!/usr/bin/env bash
# The test command: sets up .venv with the test extras on first use, then runs pytest on two
# workers (pytest-xdist; NIANBAO_TEST_WORKERS=0 runs everything in one process).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/_venv.sh" "[test]"
cd "$ROOT"
exec "$VENV/bin/python" -m pytest -n "${NIANBAO_TEST_WORKERS:-2}" --dist worksteal "$@"
