# Shared by the scripts: create .venv once and install the project into it (idempotent).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${NIANBAO_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
EXTRAS="${1:-}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
STAMP="$VENV/.nianbao-installed$EXTRAS"
if [ -z "$EXTRAS" ] && [ -f "$VENV/.nianbao-installed[test]" ] && [ "$VENV/.nianbao-installed[test]" -nt "$ROOT/pyproject.toml" ]; then
  STAMP="$VENV/.nianbao-installed[test]"  # the test install includes everything the bot needs
fi
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
  "$VENV/bin/python" -m pip install --quiet -e "$ROOT$EXTRAS"
  touch "$STAMP"
fi
