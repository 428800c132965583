#!/usr/bin/env bash
# The test command: sets up .venv with the test extras on first use, then runs pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/_venv.sh" "[test]"
cd "$ROOT"
exec "$VENV/bin/python" -m pytest "$@"
