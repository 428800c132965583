#!/usr/bin/env bash
# Start the bot. With TELEGRAM_BOT_TOKEN set (or a config file in NIANBAO_CONFIG) it runs
# `nianbao serve`: it talks to Telegram (or to NIANBAO_API_BASE_URL) and exits 2 if no token is found.
# With neither, on a fresh machine, it runs `nianbao demo`: a local Bot API server, a demo roster and a
# console chat.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/_venv.sh" ""
cd "$ROOT"
if [ -z "${TELEGRAM_BOT_TOKEN:-}" ] && [ -z "${NIANBAO_CONFIG:-}" ]; then
  exec "$VENV/bin/nianbao" demo "$@"
fi
exec "$VENV/bin/nianbao" serve "$@"
