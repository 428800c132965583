#!/usr/bin/env bash
# Start the bot. With TELEGRAM_BOT_TOKEN set it talks to Telegram (or to NIANBAO_API_BASE_URL);
# without a token it runs the local demo: a local Bot API server, a demo roster and a console chat.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/_venv.sh" ""
cd "$ROOT"
exec "$VENV/bin/nianbao" serve "$@"
