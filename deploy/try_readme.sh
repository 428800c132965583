#!/usr/bin/env bash
# Follow deploy/README.md on a clean slate, without root and without Telegram: install the
# package into a fresh virtual environment in a scratch directory, import the example roster,
# make invite codes for every agency (bulk invites), and run `nianbao doctor` against a local
# Bot API server. Usage: bash deploy/try_readme.sh [SCRATCH_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-$(mktemp -d)}"
mkdir -p "$WORK" && cd "$WORK"
echo "== scratch directory: $WORK"

echo "== 1. requirements: $(python3 --version)"
python3 -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'

echo "== 3. install (python3 -m venv .venv && .venv/bin/pip install .)"
python3 -m venv .venv
.venv/bin/pip install -q "$ROOT" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
NIANBAO="$WORK/.venv/bin/nianbao"
sed "s#/var/lib/nianbao/nianbao.db#$WORK/nianbao.db#" "$ROOT/deploy/nianbao.example.toml" > nianbao.toml

echo "== a local Bot API server standing in for Telegram"
PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > local_api.py <<'PY'
import asyncio, sys
from nianbao.devtools import LocalBotApi

async def main(port: int) -> None:
    async with LocalBotApi("123456:README", port=port, bot_username="county_nianbao_bot"):
        await asyncio.Event().wait()

asyncio.run(main(int(sys.argv[1])))
PY
.venv/bin/python local_api.py "$PORT" > api.log 2>&1 &
API_PID=$!
trap 'kill "$API_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done

export NIANBAO_CONFIG="$WORK/nianbao.toml" TELEGRAM_BOT_TOKEN=123456:README NIANBAO_API_BASE_URL="http://127.0.0.1:$PORT/bot"

echo "== 5. roster and bulk invites"
"$NIANBAO" agencies import "$ROOT/deploy/roster.example.csv"
"$NIANBAO" agencies list
"$NIANBAO" invite --all --out 邀请码.xlsx
"$NIANBAO" invite --all --out 邀请码.csv
head -3 邀请码.csv

echo "== 7. health"
NIANBAO_SUPERVISORS=9001 "$NIANBAO" doctor
echo "== done: the README's steps work from a clean virtual environment ($WORK)"
