#!/usr/bin/env bash
# The test command: sets up .venv with the test extras on first use, then runs pytest on one
# worker more than the machine has cores (pytest-xdist: many tests wait on a browser, LibreOffice
# or a child process; NIANBAO_TEST_WORKERS=N sets the number, 0 runs everything in one process).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/_venv.sh" "[test]"
cd "$ROOT"
# Compiled modules and pytest's rewritten tests are kept (in __pycache__, ignored by git): without
# them every worker and every child process the tests start compiles them again.
unset PYTHONDONTWRITEBYTECODE
WORKERS="${NIANBAO_TEST_WORKERS:-$(( $(nproc 2>/dev/null || echo 1) + 1 ))}"
exec "$VENV/bin/python" -m pytest -n "$WORKERS" --dist worksteal "$@"
